import { q } from "./quantity.ts";

const DOC = "infrastructure-recommendations.md";
const CF = "Cloudflare Workers Paid plan price list (not in the document; checked 2026)";

/**
 * Recommendation 5, "Current Cost Structure". The document's figures come first; where it is silent
 * (writes, storage, CPU, Durable Objects) Cloudflare's published price is used and marked as such.
 */
export const PRICES = {
  workersBaseMonthly: q(5, "USD/month", `${DOC} Rec. 5: Workers $5/mo (Paid plan) includes 10M requests`),
  workersIncludedRequests: q(10_000_000, "requests/month", `${DOC} Rec. 5: $5/mo for 10M`),
  workersRequestsPerMillion: q(0.3, "USD/M requests", `${CF}: $0.30 per additional million requests`),
  workersIncludedCpuMs: q(30_000_000, "ms/month", `${CF}: 30M CPU ms included`),
  workersCpuPerMillionMs: q(0.02, "USD/M ms", `${CF}: $0.02 per additional million CPU ms`),
  workersServiceBindingRequestsPerMillion: q(0, "USD/M requests", `${CF}: "Requests made from your Worker to another worker via a Service Binding do not incur additional request fees" (billed: one request, the CPU time of both Workers)`),
  workersFreeRequestsPerDay: q(100_000, "requests/day", `${DOC} Rec. 5: Workers free tier 100K req/day`),

  d1FreeReadsPerDay: q(5_000_000, "rows read/day", `${DOC} Rec. 5: D1 free tier 5M reads/day`),
  d1ReadsPerMillion: q(0.001, "USD/M rows read", `${DOC} Rec. 5: D1 $0.001/M after the free tier`),
  d1IncludedReadsMonthly: q(25_000_000_000, "rows read/month", `${CF}: 25B rows read included`),
  d1IncludedWritesMonthly: q(50_000_000, "rows written/month", `${CF}: 50M rows written included`),
  d1WritesPerMillion: q(1, "USD/M rows written", `${CF}: $1.00 per additional million rows written`),
  d1IncludedStorage: q(5e9, "bytes", `${CF}: 5 GB storage included`),
  d1StoragePerGbMonth: q(0.75, "USD/GB-month", `${CF}: $0.75 per additional GB-month`),

  kvFreeReadsPerDay: q(100_000, "reads/day", `${DOC} Rec. 5: KV free tier 100K reads/day`),
  kvReadsPerMillion: q(0.5, "USD/M reads", `${DOC} Rec. 2/5: Workers KV $0.50/M reads`),
  kvIncludedReadsMonthly: q(10_000_000, "reads/month", `${CF}: 10M KV reads included`),
  kvIncludedWritesMonthly: q(1_000_000, "writes/month", `${CF}: 1M KV writes included`),
  kvWritesPerMillion: q(5, "USD/M writes", `${CF}: $5.00 per additional million KV writes`),

  doIncludedRequestsMonthly: q(1_000_000, "requests/month", `${CF}: 1M Durable Object requests included`),
  doRequestsPerMillion: q(0.15, "USD/M requests", `${CF}: $0.15 per additional million DO requests`),
  doIncludedRowsWrittenMonthly: q(50_000_000, "rows written/month", `${CF}: 50M SQLite-backed Durable Object rows written included`),
  doRowsWrittenPerMillion: q(1, "USD/M rows written", `${CF}: $1.00 per additional million Durable Object rows written`),
  doIncludedDurationGbS: q(400_000, "GB-s/month", `${CF}: 400,000 GB-s of Durable Object duration included`),
  doDurationPerMillionGbS: q(12.5, "USD/M GB-s", `${CF}: $12.50 per million GB-s of Durable Object duration (128 MB per active object)`),
  doRowsReadPerMillion: q(0.001, "USD/M rows read", `${CF}: $0.001 per additional million Durable Object rows read (25B included)`),

  workersLogsIncludedMonthly: q(20_000_000, "log events/month", `${CF}: Workers Logs, 20M log events per month included`),
  workersLogsPerMillion: q(0.6, "USD/M log events", `${CF}: Workers Logs, $0.60 per additional million log events`),

  cacheApiReads: q(0, "USD/M reads", `${DOC} Rec. 2: Cache API read cost is free`),
} as const;

/** Recommendation 5, "Monthly Cost Projections": the document's own table, to compare computed figures with. */
export const COST_PROJECTIONS = [
  { scale: "MVP", requestsPerMonth: 3_000_000, low: 0, high: 0, note: "<3M, free tier" },
  { scale: "Growth", requestsPerMonth: 10_000_000, low: 10, high: 15, note: "~$10-15" },
  { scale: "Scale", requestsPerMonth: 100_000_000, low: 80, high: 120, note: "~$80-120" },
  { scale: "Big", requestsPerMonth: 1_000_000_000, low: 500, high: 800, note: "~$500-800" },
] as const;

/** Recommendation 5, "Break-even Analysis". */
export const BREAK_EVEN = {
  requestsPerMonth: q(500_000_000, "requests/month", `${DOC} Rec. 5: Cloudflare becomes expensive vs. traditional hosting at ~500M+ requests/month`),
  simplicityPremium: { low: 2, high: 3, reason: `${DOC} Rec. 5: operational simplicity is worth 2-3x the raw compute cost` },
  defaultServerMonthly: q(200, "USD/month", "Assumed traditional hosting cost (override with --server-cost)"),
} as const;

const GC_LOGS = "grafana.com/docs/grafana-cloud/cost-management-and-billing/understand-your-invoice/logs-invoice/ (checked 2026-12-01)";
const GC_METRICS = "grafana.com/docs/grafana-cloud/cost-management-and-billing/understand-your-invoice/metrics-invoice/ (checked 2026-12-01)";
const GC_ISSUE = "Grafana Cloud pricing as issue 11 states it (grafana.com/pricing; not found in the pages the search tool holds)";

/**
 * Grafana Cloud, where the telemetry goes: the Free tier's allowances and the Pro (pay as you go) prices beyond them.
 * Metrics bill on active series (a series with a sample in the last 20 minutes) or DPM / 1, whichever is larger.
 */
export const GRAFANA_CLOUD = {
  freeActiveSeries: q(10_000, "series", `${GC_ISSUE}: Free tier 10k metrics series (also included in Pro)`),
  includedDpmPerSeries: q(1, "DPM/series", `${GC_METRICS}: Pro includes 1 data point per minute per active series; billed on max(active series, DPM / 1)`),
  activeSeriesWindow: q(20, "minutes", `${GC_METRICS}: a series is active if it received a sample within the last 20 minutes`),
  seriesPerThousandUsd: q(6.5, "USD/1k series", `${GC_ISSUE}: ~$6.50 per additional 1k active series on Pro`),
  freeLogsGb: q(50, "GB/month", `${GC_LOGS}: free 50 GB allotment of logs written`),
  freeTracesGb: q(50, "GB/month", `${GC_LOGS}: the same page bills traces like logs: free 50 GB written`),
  writtenPerGbUsd: q(0.4, "USD/GB", `${GC_LOGS}: $0.40 per GB written (logs, traces) after the free 50 GB`),
  processedPerGbUsd: q(0.05, "USD/GB", `${GC_LOGS}: $0.05 per GB processed (logs, traces), before any Adaptive Telemetry reduction`),
  freeRetentionDays: q(14, "days", `${GC_LOGS}: minimum retention 14 days for free accounts, 30 days for paid`),
} as const;
