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
  million: 1e6,
  percent: 100,
} as const;
