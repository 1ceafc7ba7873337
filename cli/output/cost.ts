import type { ChalkInstance } from "chalk";
import type { CostLine } from "../cost/model.ts";
import { PER_REQUEST_KEYS } from "../cost/per-request.ts";
import type { CostReport } from "../cost/report.ts";
import { formatCount, formatMeasured, formatUsd } from "../../catalog/format.ts";
import { markdownTable } from "./markdown.ts";
import { renderTable } from "./table.ts";

/** The cells every cost format shows, so text and markdown never disagree. */
const LINE_HEADERS = ["Line", "Usage", "Included", "Billable", "Price", "Cost"] as const;
const LINE_ALIGN = ["l", "r", "r", "r", "l", "r"] as const;

const amount = (n: number, unit: string) => (unit === "bytes" ? formatMeasured(n, unit) : formatCount(n));
const lineCells = (l: CostLine) => [l.item, amount(l.usage, l.unit), amount(l.included, l.unit), amount(l.billable, l.unit), l.priceUnit ? `${l.unitPrice} ${l.priceUnit}` : "", formatUsd(l.usd)];

function parts(r: CostReport) {
  const e = r.estimate;
  const t = e.telemetry;
  const be = r.breakEven;
  return {
    title: `Monthly Cloudflare cost at ${formatCount(r.requestsPerMonth)} requests`,
    plan: `(${e.plan} plan)`,
    total: formatUsd(e.totalUsd),
    lineRows: e.lines.map(lineCells),
    storage: `D1 storage ${formatMeasured(r.storage.bytes, "bytes")}: ${r.storage.source}.`,
    telemetryTitle: `Telemetry's own cost (Grafana Cloud ${t.grafanaPlan === "free" ? "Free tier" : "Pro"}, ${formatCount(t.activeSeries)} active series whatever the isolates, ${formatCount(t.dpm)} DPM): ${formatUsd(t.totalUsd)}/month`,
    telemetryRows: t.lines.map(lineCells),
    perRows: PER_REQUEST_KEYS.map((k) => [k, formatCount(r.perRequest.values[k]), r.perRequest.provenance[k], r.perRequest.reasons[k]]),
    cmpRows: r.documentProjections.map((p) => [p.scale, formatCount(p.requestsPerMonth), p.documentNote, formatUsd(p.computedUsd), p.agrees ? "agrees" : `DISAGREES: ${p.note}`]),
    breakEven: [
      `Traditional hosting at ${formatUsd(be.serverMonthlyUsd)}/month costs the same as Cloudflare at ${be.requestsAtServerCost === null ? "never" : formatCount(be.requestsAtServerCost)} requests/month.`,
      `With the document's ${be.premium.low}-${be.premium.high}x simplicity premium: ${formatCount(be.requestsAtPremiumLow ?? NaN)}-${formatCount(be.requestsAtPremiumHigh ?? NaN)} requests/month.`,
      `The document puts it at ~${formatCount(be.documentRequests)}+ requests/month.`,
    ],
  };
}

const PER_HEADERS = ["Input", "Value", "Source", "Why"];
const CMP_HEADERS = ["Scale", "Requests/mo", "Document", "Computed", "Check"];

export function renderCostText(r: CostReport, c: ChalkInstance): string {
  const p = parts(r);
  const check = (s: string) => (s.startsWith("DIS") ? c.yellow(s) : c.green(s));
  return [
    `${c.bold(`${p.title}/month`)} ${p.plan}: ${c.bold(p.total)}`, "",
    renderTable(LINE_HEADERS, p.lineRows, LINE_ALIGN), p.storage, "",
    c.bold(p.telemetryTitle), renderTable(LINE_HEADERS, p.telemetryRows, LINE_ALIGN), "",
    c.bold("Per-request assumptions"), renderTable(PER_HEADERS, p.perRows), "",
    c.bold("The document's projection table (Recommendation 5) vs computed"),
    renderTable(CMP_HEADERS, p.cmpRows.map((row) => [...row.slice(0, 4), check(row[4]!)]), ["l", "r", "l", "r", "l"]), "",
    c.bold("Break-even vs traditional hosting"), ...p.breakEven, "",
  ].join("\n");
}

export function renderCostMarkdown(r: CostReport): string {
  const p = parts(r);
  return [
    `# ${p.title} ${p.plan}: ${p.total}`, "",
    markdownTable(LINE_HEADERS, p.lineRows), "", p.storage, "", `## ${p.telemetryTitle}`, "", markdownTable(LINE_HEADERS, p.telemetryRows), "",
    "## Per-request assumptions", "", markdownTable(PER_HEADERS, p.perRows), "",
    "## The document's projection table", "", markdownTable(CMP_HEADERS, p.cmpRows), "",
    "## Break-even", "", ...p.breakEven.map((t) => `- ${t}`), "",
  ].join("\n");
}
