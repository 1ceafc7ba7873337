import { Command, Option } from "commander";
import { gatherCapacity, type CapacityOptions } from "../capacity/gather.ts";
import { NEED_IDS, NEEDS_FILE } from "../capacity/needs.ts";
import { buildReport } from "../capacity/report.ts";
import { chalkFor, emit, progressFor, type CliContext } from "../context.ts";
import { exitCodeFor } from "../exit-codes.ts";
import { UserError } from "../errors.ts";
import { checkOutputFile } from "../io/output-file.ts";
import { unknownPluginLine } from "../output/plugin-line.ts";
import { parseOverrides } from "../capacity/overrides.ts";
import { renderCapacityText } from "../output/capacity-text.ts";
import { renderCapacityHtml } from "../output/html.ts";
import { renderJson } from "../output/json.ts";
import { renderCapacityMarkdown } from "../output/markdown.ts";
import { addOutputOptions, examples, resolveFormat, type OutputOptions } from "./common.ts";

export function makeCapacityCommand(ctx: CliContext): Command {
  const cmd = new Command("capacity")
    .description("How close D1 is to its limits: migration triggers, growth projection, recommendation, this month's D1 cost")
    .addOption(new Option("--source <source>", "where to measure: local D1 (wrangler dev state) or the Cloudflare API").choices(["auto", "local", "cloudflare"]).default("auto"))
    .option("--config <path>", "wrangler config with the [[d1_databases]] binding", "wrangler.toml")
    .option("--binding <name>", "D1 binding to read (default: the first in the config, DB)")
    .option("--persist-to <dir>", "local state directory, as for `wrangler dev --persist-to` (default .wrangler/state)")
    .option("--database <name|uuid>", "Cloudflare D1 database (default: database_name of the binding)")
    .option("--count-rows", "Cloudflare source: count rows per table with a query (bills rows read)")
    .option("--script-name <name>", "Cloudflare source: Worker whose invocations give the error rate (default: name in the wrangler config)")
    .option("--prometheus-url <url>", "Prometheus query API: write p95, write rate, error rate, size projection and 24 h usage, with the alert rules' expressions (auth: PROMETHEUS_USER/PROMETHEUS_PASSWORD or PROMETHEUS_BEARER_TOKEN)")
    .option("--environment <name>", "Prometheus: deployment environment to read (default: the one with the largest database)")
    .option("-w, --warning <[name=]range...>", "override warning thresholds, plugin range format (10, 10:, ~:10, 10:20, @10:20); name defaults to d1_size, e.g. -w 4GB -w write_latency_p95=40ms")
    .option("-c, --critical <[name=]range...>", "override critical thresholds, same format, e.g. -c 6GB")
    .option("--history <file>", "size history JSON [{\"date\",\"bytes\"}] to project from instead of the source's")
    .option("--need <need...>", `declare a need D1 cannot meet: ${NEED_IDS.join(", ")} (also read from ${NEEDS_FILE})`)
    .option("--needs-file <file>", `declared needs file (default ${NEEDS_FILE} if present)`)
    .option("-q, --quiet", "no progress indicator")
    .addOption(new Option("--now <iso>", "evaluate as of this time (reproducible reports)").hideHelp());
  addOutputOptions(cmd, ["text", "json", "markdown", "html"]);
  cmd.addHelpText("after", examples([
    "moltsecret capacity                              # local D1 from `npm start` / wrangler dev",
    "moltsecret capacity --persist-to /tmp/state --json",
    "CLOUDFLARE_API_TOKEN=... CLOUDFLARE_ACCOUNT_ID=... moltsecret capacity --database moltsecret",
    "moltsecret capacity --prometheus-url https://prometheus-prod-NN-REGION.grafana.net/api/prom",
    "moltsecret capacity --format html -o capacity.html",
    "moltsecret capacity --need multi-region-writes",
    "moltsecret capacity -q -w 4GB -c 6GB                # Nagios/Icinga check: status line and perfdata first",
  ]));
  cmd.action(async (opts: CapacityOptions & OutputOptions & { quiet?: boolean; warning?: string[]; critical?: string[] }) => {
    const format = resolveFormat(opts);
    let input;
    try {
      checkOutputFile(opts.output, ctx.cwd);
      const overrides = parseOverrides(opts.warning, opts.critical);
      const progress = progressFor(ctx, Boolean(opts.quiet));
      try {
        input = await gatherCapacity({ ...opts, overrides }, ctx, progress);
      } finally {
        progress.done();
      }
    } catch (err) {
      // Nothing measured: stdout still carries a valid answer (JSON, or the plugin's status line); the reason and hint go to stderr.
      if (err instanceof UserError && !opts.output) {
        ctx.stdout.write(format === "json" ? renderJson({ status: "unknown", error: { message: err.message, hint: err.hint ?? null } }) : format === "text" ? `${unknownPluginLine(err.message)}\n` : "");
      }
      throw err;
    }
    const report = buildReport(input);
    const text =
      format === "json" ? renderJson(report)
      : format === "markdown" ? renderCapacityMarkdown(report)
      : format === "html" ? renderCapacityHtml(report)
      : renderCapacityText(report, chalkFor(ctx));
    await emit(ctx, text, opts.output);
    ctx.exitCode = exitCodeFor(report.status);
    if (report.status === "warning" || report.status === "critical") {
      const fired = report.triggers.filter((t) => t.status === report.status).map((t) => t.message);
      ctx.stderr.write(`CAPACITY ${report.status.toUpperCase()}: ${fired.join("; ")}\n`);
    } else if (report.status === "unknown") {
      for (const e of report.unmeasured) ctx.stderr.write(`moltsecret: ${e.message}\n${e.hint ? `hint: ${e.hint}\n` : ""}`);
    }
  });
  return cmd;
}
