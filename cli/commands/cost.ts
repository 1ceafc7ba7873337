import { Command } from "commander";
import { BREAK_EVEN } from "../../catalog/index.ts";
import { chalkFor, emit, type CliContext } from "../context.ts";
import type { PerRequest } from "../cost/model.ts";
import { PER_REQUEST_KEYS, resolvePerRequest, resolveStorage } from "../cost/per-request.ts";
import { buildCostReport } from "../cost/report.ts";
import { EXIT } from "../exit-codes.ts";
import { renderCostMarkdown, renderCostText } from "../output/cost.ts";
import { renderJson } from "../output/json.ts";
import { checkOutputFile } from "../io/output-file.ts";
import { checkPromDuration, prometheusFromEnv } from "../sources/prometheus.ts";
import { parseCount, parseNonNegative } from "../units.ts";
import { addOutputOptions, examples, resolveFormat, type OutputOptions } from "./common.ts";

const FLAG: Record<keyof PerRequest, string> = {
  d1RowsRead: "d1-reads", d1RowsWritten: "d1-writes", kvReads: "kv-reads", kvWrites: "kv-writes", cpuMs: "cpu-ms", doRequests: "do-requests",
};

interface CostOpts extends OutputOptions {
  requests: string;
  storage?: string;
  serverCost: string;
  prometheusUrl?: string;
  window: string;
  [k: string]: unknown;
}

export function makeCostCommand(ctx: CliContext): Command {
  const cmd = new Command("cost")
    .description("Monthly Cloudflare cost for a request volume, line by line, beside the document's projection table and the break-even")
    .option("-r, --requests <n>", "requests per month (K/M/B suffixes)", "100M")
    .option("--storage <bytes>", "D1 storage in bytes (K/M/B suffixes; default: the size Prometheus measured with --prometheus-url, else 0)")
    .option("--server-cost <usd>", "monthly cost of traditional hosting for the break-even", String(BREAK_EVEN.defaultServerMonthly.value))
    .option("--prometheus-url <url>", "measure per-request usage from the Worker's metrics instead of the defaults")
    .option("--window <range>", "Prometheus window for measured per-request usage", "7d");
  for (const k of PER_REQUEST_KEYS) cmd.option(`--${FLAG[k]} <n>`, `per request: ${k} (default from the catalog's COST_ASSUMPTIONS)`);
  addOutputOptions(cmd);
  cmd.addHelpText("after", examples([
    "moltsecret cost --requests 100M",
    "moltsecret cost --requests 1B --d1-writes 0.25 --server-cost 400",
    "moltsecret cost --requests 10M --prometheus-url http://127.0.0.1:9090 --json",
  ]));
  cmd.action(async (opts: CostOpts) => {
    const format = resolveFormat(opts);
    checkOutputFile(opts.output, ctx.cwd);
    const window = checkPromDuration(opts.window, "--window");
    const requests = parseCount(opts.requests, "--requests");
    const flagStorage = opts.storage === undefined ? null : parseCount(opts.storage, "--storage");
    const serverCost = parseNonNegative(opts.serverCost, "--server-cost");
    const flags: Partial<PerRequest> = {};
    for (const k of PER_REQUEST_KEYS) {
      const camel = FLAG[k].replace(/-([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
      const v = opts[camel];
      if (typeof v === "string") flags[k] = parseNonNegative(v, `--${FLAG[k]}`);
    }
    const prom = prometheusFromEnv(opts.prometheusUrl, ctx.env);
    const per = await resolvePerRequest(flags, prom, window);
    const storage = await resolveStorage(flagStorage, prom);
    const report = buildCostReport({ requestsPerMonth: requests, storage, perRequest: per, serverMonthlyUsd: serverCost });
    ctx.exitCode = EXIT.ok;
    const text = format === "json" ? renderJson(report) : format === "markdown" ? renderCostMarkdown(report) : renderCostText(report, chalkFor(ctx));
    return emit(ctx, text, opts.output);
  });
  return cmd;
}
