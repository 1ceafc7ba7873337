import { Command, Option } from "commander";
import { UPTIME } from "../../catalog/index.ts";
import type { CliContext } from "../context.ts";
import { EXIT } from "../exit-codes.ts";
import { planMonitor } from "../uptime/betterstack-monitor.ts";
import { planHealthCheck } from "../uptime/cloudflare-health-check.ts";
import { renderStatus, renderSync, syncUptime, type UptimeTargets } from "../uptime/sync.ts";
import { betterStackTarget, cloudflareTarget, healthUrlOf } from "../uptime/targets.ts";
import { examples } from "./common.ts";

interface UptimeOptions {
  url?: string;
  zoneId?: string;
  only?: "cloudflare" | "betterstack";
}

function common(cmd: Command): Command {
  return cmd
    .option("--url <url>", "the Worker's public origin, e.g. https://api.example.com (default: $MOLTSECRET_PUBLIC_URL)")
    .option("--zone-id <id>", "Cloudflare zone of that host (default: $CLOUDFLARE_ZONE_ID)")
    .addOption(new Option("--only <provider>", "one provider only").choices(["cloudflare", "betterstack"]));
}

/** Both targets from the environment, checked before any call (tokens are never printed). */
function targetsOf(ctx: CliContext, o: UptimeOptions): UptimeTargets {
  return {
    ...(o.only !== "betterstack" ? { cloudflare: cloudflareTarget(ctx.env, o.zoneId) } : {}),
    ...(o.only !== "cloudflare" ? { betterStack: betterStackTarget(ctx.env) } : {}),
  };
}

export function makeUptimeCommand(ctx: CliContext): Command {
  const uptime = new Command("uptime").description(`External probes of ${UPTIME.healthPath} (Rec. 4): a Cloudflare zone Health Check and a Better Stack monitor`);

  const sync = common(new Command("sync"))
    .description("create or update both probes from the catalog's intervals; idempotent (a second run changes nothing)")
    .option("--dry-run", "print what would change, change nothing")
    .action(async (o: UptimeOptions & { dryRun?: boolean }) => {
      const health = healthUrlOf(o.url ?? ctx.env.MOLTSECRET_PUBLIC_URL);
      const plans = await syncUptime(health, targetsOf(ctx, o), Boolean(o.dryRun));
      ctx.stdout.write(renderSync(health, plans, Boolean(o.dryRun)));
      ctx.exitCode = EXIT.ok;
    });
  sync.addHelpText("after", examples([
    "CLOUDFLARE_API_TOKEN=... CLOUDFLARE_ZONE_ID=... BETTERSTACK_API_TOKEN=... moltsecret uptime sync --url https://api.example.com --dry-run",
    "moltsecret uptime sync --url https://api.example.com --only betterstack",
  ]));

  const status = common(new Command("status"))
    .description("one Nagios status line from both probes' last verdicts: OK (0), WARNING (1: missing, paused, pending), CRITICAL (2: down)")
    .action(async (o: UptimeOptions) => {
      const health = healthUrlOf(o.url ?? ctx.env.MOLTSECRET_PUBLIC_URL);
      const t = targetsOf(ctx, o);
      const plans = [
        ...(t.cloudflare ? [(await planHealthCheck(t.cloudflare, health)).plan] : []),
        ...(t.betterStack ? [(await planMonitor(t.betterStack, health)).plan] : []),
      ];
      const { text, exitCode } = renderStatus(health, plans);
      ctx.stdout.write(text);
      ctx.exitCode = exitCode;
    });
  status.addHelpText("after", examples(["moltsecret uptime status --url https://api.example.com   # UPTIME OK - https://api.example.com/healthz: ..."]));

  return uptime.addCommand(sync).addCommand(status);
}
