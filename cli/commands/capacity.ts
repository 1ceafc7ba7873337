import { Command, Option } from "commander";
import { gatherCapacity, type CapacityOptions } from "../capacity/gather.ts";
import { NEED_IDS, NEEDS_FILE } from "../capacity/needs.ts";
import { buildReport } from "../capacity/report.ts";
import { chalkFor, emit, progressFor, type CliContext } from "../context.ts";
import { exitCodeFor } from "../exit-codes.ts";
import { checkOutputFile } from "../io/output-file.ts";
import { renderCapacityText } from "../output/capacity-text.ts";
import { renderCapacityHtml } from "../output/html.ts";
import { renderJson } from "../output/json.ts";
import { renderCapacityMarkdown } from "../output/markdown.ts";
import { addOutputOptions, examples, resolveFormat, type OutputOptions } from "./common.ts";

export function makeCapacityCommand(ctx: CliContext): Command {
  const cmd = new Command("capacity")
    .description("How close D1 is to its limits: migration triggers, growth projection, recommendation, this month's D1 cost")
    .addOption(new Option("--source <source>", "where to measure: local D1 (wrangler dev state) or the Cloudflare API").choices(["auto", "local", "cloudflare"]).default("auto"))
    .option("-c, --config <path>", "wrangler config with the [[d1_databases]] binding", "wrangler.toml")
    .option("--binding <name>", "D1 binding to read (default: the first in the config, DB)")
    .option("--persist-to <dir>", "local state directory, as for `wrangler dev --persist-to` (default .wrangler/state)")
    .option("--database <name|uuid>", "Cloudflare D1 database (default: database_name of the binding)")
    .option("--count-rows", "Cloudflare source: count rows per table with a query (bills rows read)")
    .option("--script-name <name>", "Cloudflare source: Worker whose invocations give the error rate (default: name in the wrangler config)")
    .option("--prometheus-url <url>", "Prometheus query API for write p95, write rate and error rate (basic auth: PROMETHEUS_USER/PROMETHEUS_PASSWORD)")
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
  ]));
  cmd.action(async (opts: CapacityOptions & OutputOptions & { quiet?: boolean }) => {
    const format = resolveFormat(opts);
    checkOutputFile(opts.output, ctx.cwd);
    const progress = progressFor(ctx, Boolean(opts.quiet));
    let input;
    try {
      input = await gatherCapacity(opts, ctx, progress);
    } finally {
      progress.done();
    }
    const report = buildReport(input);
    const text =
      format === "json" ? renderJson(report)
      : format === "markdown" ? renderCapacityMarkdown(report)
      : format === "html" ? renderCapacityHtml(report)
      : renderCapacityText(report, chalkFor(ctx));
    await emit(ctx, text, opts.output);
    ctx.exitCode = exitCodeFor(report.status);
    if (report.status !== "ok") {
      const fired = report.triggers.filter((t) => t.status === report.status).map((t) => t.message);
      ctx.stderr.write(`CAPACITY ${report.status.toUpperCase()}: ${fired.join("; ")}\n`);
    }
  });
  return cmd;
}
