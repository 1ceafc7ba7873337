import { Command } from "commander";
import { GRAFANA_IDS } from "../../catalog/index.ts";
import type { CliContext } from "../context.ts";
import { EXIT } from "../exit-codes.ts";
import { examples } from "./common.ts";
import { grafanaFrom, withGrafana } from "./grafana.ts";
import { makeBuildCommand } from "./observability-build.ts";

export function makeAlertsCommand(ctx: CliContext): Command {
  const alerts = new Command("alerts").description("Alert rules generated from the catalog: Prometheus/Mimir rule files and Grafana-managed rules");

  const build = makeBuildCommand(ctx, "alerts", "write alerts/generated (Prometheus and mimirtool rule files, promtool tests, Grafana provisioning YAML)");

  const push = new Command("push")
    .description("create or update the Grafana-managed alert rules, and with both secrets the pager/chat contact points and policy")
    .option("--grafana-url <url>", "Grafana base URL (default: $GRAFANA_URL)")
    .option("--token <token>", "service account token (default: $GRAFANA_TOKEN)")
    .option("--datasource-uid <uid>", `Prometheus data source the rules query (default: $GRAFANA_DATASOURCE_UID or ${GRAFANA_IDS.alertDatasourceUid})`)
    .option("--pager-key <key>", "PagerDuty integration key for the pager contact point (default: $MOLTSECRET_PAGERDUTY_INTEGRATION_KEY)")
    .option("--chat-webhook <url>", "Slack webhook URL for the chat contact point (default: $MOLTSECRET_SLACK_WEBHOOK_URL)")
    .action(async (opts: { grafanaUrl?: string; token?: string; datasourceUid?: string; pagerKey?: string; chatWebhook?: string }) => {
      const env = ctx.env;
      const target = grafanaFrom(opts, env);
      const { pushAlerts } = await import("../../alerts/push.ts");
      const result = await withGrafana(() =>
        pushAlerts(target, {
          datasourceUid: opts.datasourceUid ?? env.GRAFANA_DATASOURCE_UID,
          pagerKey: opts.pagerKey ?? env.MOLTSECRET_PAGERDUTY_INTEGRATION_KEY,
          chatWebhook: opts.chatWebhook ?? env.MOLTSECRET_SLACK_WEBHOOK_URL,
        }),
      );
      const lines = [
        `rules created: ${result.created.length}, updated: ${result.updated.length}, groups: ${result.groups.join(", ")}`,
        result.policy
          ? `contact points: ${result.contactPoints.join(", ")}; notification policy: critical|page -> pager, warning|ticket -> chat`
          : "contact points and notification policy not pushed: give --pager-key and --chat-webhook (or their env vars)",
      ];
      ctx.stdout.write(`${lines.join("\n")}\n`);
      ctx.exitCode = EXIT.ok;
    });
  push.addHelpText("after", examples([
    "GRAFANA_URL=https://acme.grafana.net GRAFANA_TOKEN=glsa_... moltsecret alerts push --datasource-uid grafanacloud-acme-prom",
    "moltsecret alerts push --pager-key $PD_KEY --chat-webhook https://hooks.slack.com/services/...",
  ]));

  return alerts.addCommand(build).addCommand(push);
}
