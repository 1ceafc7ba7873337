import { GRAFANA_CLOUD } from "./prices.ts";
import { q, type Threshold } from "./quantity.ts";

/**
 * Constants of the dashboards and alert rules that are not in the document: colours, quantiles,
 * label values the Worker emits, and the windows of the rules. Dashboards and alerts import them from here.
 */

/** Grafana named colours for threshold steps and lines. */
export const COLORS = {
  ok: "green",
  warning: "orange",
  critical: "red",
  limit: "dark-red",
  target: "blue",
  projection: "purple",
} as const;

/** Quantiles the document names: p50/p95/p99 latency per route; alerts use p95 for latency, p99 for CPU. */
export const QUANTILES = {
  p50: q(0.5, "quantile", "Rec. 3: regional latency targets are p50"),
  p95: q(0.95, "quantile", "Rec. 1/4: p95 latency thresholds and the 50ms write trigger"),
  p99: q(0.99, "quantile", "Rec. 4: p99 per route; Worker CPU alerts on the slow tail, which is what hits the cpu_ms limit"),
} as const;

/** Label values as the Worker emits them (attribute values, not keys: keys are in ATTR). */
export const LABEL_VALUES = {
  /** http.response.status_code values that count against the success SLO: server faults only, 4xx are the client's. */
  serverErrorStatus: "5..",
  operationKind: { read: "read", write: "write" },
  d1OperationType: { read: "read", write: "write" },
  cacheResult: { hit: "hit", miss: "miss" },
  telemetryOutcome: { exported: "exported", failed: "failed", dropped: "dropped" },
  /** moltsecret.action values of METRICS.kvWrites: each one is a billed KV write. */
  kvWriteAction: { promote: "promote", invalidate: "invalidate" },
  /** cache.layer value of KV lookups: each one is a billed KV read. */
  cacheLayerKv: "kv",
} as const;

/** Exports that fail or are dropped: the backend is down or the buffers overflow, and dashboards go blind. */
export const TELEMETRY_EXPORT_FAILURES: Threshold<"ratio"> = {
  warning: q(0.1, "ratio", "More than 1 in 10 OTLP exports failing or dropped for 10 minutes: metrics are going missing"),
  critical: q(0.5, "ratio", "Most OTLP exports failing or dropped: the dashboards no longer show what happens"),
};

/** Windows of the rules: how much history a rate, quantile or projection looks at. */
export const RULE_WINDOWS = {
  rate: "5m",
  /** Cost is projected from a smoother window than alerting rates. */
  cost: "1h",
  /** "Per day" business panels count over a rolling day. */
  day: "1d",
  projectionLookback: "6h",
  evaluationInterval: "1m",
} as const;

/** Where alert runbook_url annotations point (alerts/runbooks/ of this repository); change it for a fork. */
export const RUNBOOK_BASE_URL = "https://github.com/moltsecret/moltsecret/blob/main/alerts/runbooks/";

/** Stable identifiers of the generated Grafana objects, so re-imports overwrite instead of duplicating. */
export const GRAFANA_IDS = {
  folderUid: "moltsecret",
  folderTitle: "MoltSecret",
  datasourceVariable: "datasource",
  environmentVariable: "environment",
  alertDatasourceUid: "grafanacloud-prom",
  pagerContactPoint: "moltsecret-pager",
  chatContactPoint: "moltsecret-chat",
} as const;

/** Unit conversions, named so no bare number hides in a query. */
export const UNIT = {
  msPerSecond: 1000,
  secondsPerMinute: 60,
  secondsPerDay: 86_400,
  thousand: 1000,
  million: 1e6,
  percent: 100,
} as const;

const MEASURED = "measured by test/pipeline/isolates.test.ts (5 wrangler dev lifetimes, the full API mix, through the aggregator), which checks this figure";

/**
 * What the telemetry itself costs, per unit of traffic: measured on the real Worker and checked by the test that
 * measures it (within TELEMETRY_COST_TOLERANCE), so `moltsecret cost` and the README price the telemetry from figures
 * that hold.
 */
export const TELEMETRY_COST = {
  seriesFullMix: q(478, "series", `${MEASURED}: every series of one aggregator shard after the mix (448 after the first lifetime); independent of the number of isolates (per-isolate export before the aggregator: 2,295 after 5 lifetimes)`),
  metricsBytesPerExport: q(13_100, "bytes", `${MEASURED}: one OTLP metrics export (protobuf) of a shard, once per export interval`),
  logBytesPerRequest: q(413, "bytes", `${MEASURED}: OTLP logs bytes per request (one record per request, batched; Grafana Cloud bills what it writes, close to this)`),
  traceBytesPerSampledRequest: q(1_180, "bytes", `${MEASURED}: OTLP trace bytes per sampled request (the test samples every request)`),
  busyIsolates: q(300, "isolates", "Assumed isolates serving traffic at once at the document's Scale row (issue 11: a few hundred); each hands off at most once per export interval, so this bounds the aggregator's requests"),
} as const;

/** How far a measured figure may drift from TELEMETRY_COST before the test that measures it fails. */
export const TELEMETRY_COST_TOLERANCE = q(0.3, "ratio", "Byte sizes vary with ids and timings; a change beyond 30% means the figure (and the README's cost) must be re-measured");

/** Active series of the telemetry against Grafana Cloud's Free tier. */
export const TELEMETRY_SERIES: Threshold<"series"> = {
  warning: q(GRAFANA_CLOUD.freeActiveSeries.value / 2, "series", "Half of the Free tier's active series: a new label or metric could take the rest"),
  critical: GRAFANA_CLOUD.freeActiveSeries,
};
