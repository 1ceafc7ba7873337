import { Command } from "commander";
import type { CliContext } from "../context.ts";
import { EXIT } from "../exit-codes.ts";
import { examples } from "./common.ts";
import { grafanaFrom, withGrafana } from "./grafana.ts";
import { makeBuildCommand } from "./observability-build.ts";

export function makeDashboardsCommand(ctx: CliContext): Command {
  const dashboards = new Command("dashboards").description("Grafana dashboards generated from the catalog: write the JSON, or upload it");

  const build = makeBuildCommand(ctx, "dashboards", "write dashboards/generated/*.json from the TypeScript builders");

  const push = new Command("push")
    .description("upload every dashboard into a Grafana folder (created if missing), overwriting the same uids")
    .option("--grafana-url <url>", "Grafana base URL (default: $GRAFANA_URL)")
    .option("--token <token>", "service account token (default: $GRAFANA_TOKEN)")
    .option("--folder-uid <uid>", "folder to upload into", undefined)
    .action(async (opts: { grafanaUrl?: string; token?: string; folderUid?: string }) => {
      const target = grafanaFrom(opts, ctx.env);
      const { pushDashboards } = await import("../../dashboards/push.ts");
      const pushed = await withGrafana(() => pushDashboards(target, { folderUid: opts.folderUid }));
      ctx.stdout.write(`${pushed.map((d) => `pushed ${d.title} (uid ${d.uid}, version ${d.version}): ${d.url}`).join("\n")}\n`);
      ctx.exitCode = EXIT.ok;
    });
  push.addHelpText("after", examples(["GRAFANA_URL=https://acme.grafana.net GRAFANA_TOKEN=glsa_... moltsecret dashboards push"]));

  return dashboards.addCommand(build).addCommand(push);
}
