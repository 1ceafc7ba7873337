import { Command } from "commander";
import { BREAK_EVEN, PRICES } from "../../catalog/index.ts";
import { chalkFor, emit, type CliContext } from "../context.ts";
import { compareWithDocument, estimateCost, requestsForCost, type PerRequest } from "../cost/model.ts";
import { PER_REQUEST_KEYS, resolvePerRequest } from "../cost/per-request.ts";
import { EXIT } from "../exit-codes.ts";
import { renderJson } from "../output/json.ts";
import { markdownTable } from "../output/markdown.ts";
import { renderTable } from "../output/table.ts";
import { checkOutputFile } from "../io/output-file.ts";
import { checkPromDuration, instantQuery, prometheusFromEnv, QUERIES } from "../sources/prometheus.ts";
import { formatBytes, formatCount, formatSignificant, formatUsd, parseCount, parseNonNegative } from "../units.ts";
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
    "moltsecret cost --requests 1B --d1-writes 0.3 --server-cost 400",
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
    const measuredStorage = flagStorage === null && prom ? await instantQuery(prom, QUERIES.size) : null;
    const storage = flagStorage ?? measuredStorage ?? 0;
    const storageSource = flagStorage !== null ? "given with --storage" : measuredStorage !== null ? "measured: Prometheus d1_database_size_bytes" : "not measured: 0 B (give --storage or --prometheus-url)";
    const estimate = estimateCost(requests, per.values, storage);
    const comparison = compareWithDocument(per.values, storage);
    const breakEven = {
      serverMonthlyUsd: serverCost,
      requestsAtServerCost: requestsForCost(serverCost, per.values, storage),
      requestsAtPremiumLow: requestsForCost(serverCost * BREAK_EVEN.simplicityPremium.low, per.values, storage),
      requestsAtPremiumHigh: requestsForCost(serverCost * BREAK_EVEN.simplicityPremium.high, per.values, storage),
      documentRequests: BREAK_EVEN.requestsPerMonth.value,
      premium: BREAK_EVEN.simplicityPremium,
    };
    const result = { requestsPerMonth: requests, storage: { bytes: storage, source: storageSource }, perRequest: per, estimate, documentProjections: comparison, breakEven, prices: PRICES };
    ctx.exitCode = EXIT.ok;
    if (format === "json") return emit(ctx, renderJson(result), opts.output);

    const c = chalkFor(ctx);
    const amount = (n: number, unit: string) => (unit === "bytes" ? formatBytes(n) : formatCount(n));
    const lineRows = estimate.lines.map((l) => [l.item, amount(l.usage, l.unit), amount(l.included, l.unit), amount(l.billable, l.unit), l.priceUnit ? `${l.unitPrice} ${l.priceUnit}` : "", formatUsd(l.usd)]);
    const lineHeaders = ["Line", "Usage", "Included", "Billable", "Price", "Cost"];
    const t = estimate.telemetry;
    const telemetryTitle = `Telemetry's own cost (Grafana Cloud ${t.grafanaPlan === "free" ? "Free tier" : "Pro"}, ${formatCount(t.activeSeries)} active series whatever the isolates, ${formatCount(t.dpm)} DPM): ${formatUsd(t.totalUsd)}/month`;
    const telemetryRows = t.lines.map((l) => [l.item, amount(l.usage, l.unit), amount(l.included, l.unit), amount(l.billable, l.unit), `${l.unitPrice} ${l.priceUnit}`, formatUsd(l.usd)]);
    const perRows = PER_REQUEST_KEYS.map((k) => [k, formatSignificant(per.values[k]), per.provenance[k], per.reasons[k]]);
    const cmpRows = comparison.map((r) => [r.scale, formatCount(r.requestsPerMonth), r.documentNote, formatUsd(r.computedUsd), r.agrees ? "agrees" : `DISAGREES: ${r.note}`]);
    const be = breakEven;
    const beText = [
      `Traditional hosting at ${formatUsd(serverCost)}/month costs the same as Cloudflare at ${be.requestsAtServerCost === null ? "never" : formatCount(be.requestsAtServerCost)} requests/month.`,
      `With the document's ${be.premium.low}-${be.premium.high}x simplicity premium: ${formatCount(be.requestsAtPremiumLow ?? NaN)}-${formatCount(be.requestsAtPremiumHigh ?? NaN)} requests/month.`,
      `The document puts it at ~${formatCount(be.documentRequests)}+ requests/month.`,
    ];
    if (format === "markdown") {
      const md = [
        `# Monthly Cloudflare cost at ${formatCount(requests)} requests (${estimate.plan} plan): ${formatUsd(estimate.totalUsd)}`, "",
        markdownTable(lineHeaders, lineRows), "", `D1 storage ${formatBytes(storage)}: ${storageSource}.`, "", `## ${telemetryTitle}`, "", markdownTable(lineHeaders, telemetryRows), "", "## Per-request assumptions", "", markdownTable(["Input", "Value", "Source", "Why"], perRows), "",
        "## The document's projection table", "", markdownTable(["Scale", "Requests/mo", "Document", "Computed", "Check"], cmpRows), "",
        "## Break-even", "", ...beText.map((t) => `- ${t}`), "",
      ];
      return emit(ctx, md.join("\n"), opts.output);
    }
    const out = [
      `${c.bold(`Monthly Cloudflare cost at ${formatCount(requests)} requests/month`)} (${estimate.plan} plan): ${c.bold(formatUsd(estimate.totalUsd))}`, "",
      renderTable(lineHeaders, lineRows, ["l", "r", "r", "r", "l", "r"]), `D1 storage ${formatBytes(storage)}: ${storageSource}.`, "",
      c.bold(telemetryTitle), renderTable(lineHeaders, telemetryRows, ["l", "r", "r", "r", "l", "r"]), "",
      c.bold("Per-request assumptions"), renderTable(["Input", "Value", "Source", "Why"], perRows), "",
      c.bold("The document's projection table (Recommendation 5) vs computed"),
      renderTable(["Scale", "Requests/mo", "Document", "Computed", "Check"], cmpRows.map((r) => [...r.slice(0, 4), r[4]!.startsWith("DIS") ? c.yellow(r[4]!) : c.green(r[4]!)]), ["l", "r", "l", "r", "l"]), "",
      c.bold("Break-even vs traditional hosting"), ...beText, "",
    ];
    return emit(ctx, out.join("\n"), opts.output);
  });
  return cmd;
}
