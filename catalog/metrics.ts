import { LATENCY_TARGETS, MIGRATION, P95_LATENCY, REGIONS, WORKER_CPU } from "./thresholds.ts";

/**
 * Every metric the toolkit emits, defined once: OTel name, unit, kind, attributes, buckets.
 * Dashboards and alerts use `promName()` so they query exactly what Grafana Cloud stores.
 */
export type MetricKind = "counter" | "histogram" | "gauge" | "updowncounter";

/**
 * How the fleet aggregator merges one gauge's values from many isolates (counters, updowncounters and histograms
 * always merge by sum). "latest": the value handed off last wins; "max": the largest value handed off since the
 * previous export (a per-interval max, so a daily estimate that restarts at midnight restarts on the chart too).
 */
export type GaugeMerge = "latest" | "max";

export interface MetricDef {
  readonly name: string;
  readonly kind: MetricKind;
  readonly unit: string;
  readonly description: string;
  readonly attributes: readonly string[];
  readonly buckets?: readonly number[];
  /** Gauges only, and required for them (see `m`). */
  readonly merge?: GaugeMerge;
}

/** Attribute keys (semantic-convention names where one exists). */
export const ATTR = {
  method: "http.request.method",
  route: "http.route",
  status: "http.response.status_code",
  region: "moltsecret.region",
  operationKind: "moltsecret.operation.kind",
  d1OperationType: "db.operation.type",
  d1Statement: "db.query.summary",
  action: "moltsecret.action",
  cacheLayer: "cache.layer",
  cacheResult: "cache.result",
  signal: "telemetry.signal",
  outcome: "telemetry.outcome",
  workerScript: "faas.name",
  workerOutcome: "faas.outcome",
  /** What invoked the Worker (semconv faas.trigger: http, timer, other): cron purges are not requests. */
  workerTrigger: "faas.trigger",
  /** Current semantic convention: Grafana Cloud promotes it to a label on every series (not the deprecated deployment.environment). */
  environment: "deployment.environment.name",
} as const;

/** Sorted unique union: thresholds must be bucket boundaries so alerts on them are exact. */
const boundaries = (...values: number[]): readonly number[] =>
  Object.freeze([...new Set(values.map((v) => Number(v.toPrecision(12))))].sort((a, b) => a - b));

const regionTargets = REGIONS.flatMap((r) => [LATENCY_TARGETS[r].read.value, LATENCY_TARGETS[r].write.value]);

/** Seconds. Fillers give resolution between the document's thresholds. */
export const HTTP_DURATION_BUCKETS = boundaries(
  0.005, 0.01, 0.025, 0.075, 0.1, 0.25, 1, 5, 10,
  ...regionTargets,
  MIGRATION.writeLatencyP95.value,
  P95_LATENCY.warning.value,
  P95_LATENCY.critical.value,
);

/** Seconds. D1 queries are fast; the 50 ms write trigger and regional write targets are boundaries. */
export const D1_DURATION_BUCKETS = boundaries(
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.075, 0.1, 0.25, 0.5, 1,
  MIGRATION.writeLatencyP95.value,
  ...regionTargets,
);

/** Milliseconds of CPU per invocation (from the Tail Worker). */
export const CPU_MS_BUCKETS = boundaries(1, 2, 5, 10, 20, 40, 75, 100, 200, 500, WORKER_CPU.warning.value, WORKER_CPU.critical.value);

/** Keeps each entry's literal kind in its type, so instruments created from it are typed (counter.add, histogram.record). */
const m = <K extends MetricKind>(
  def: MetricDef & { kind: K } & (K extends "gauge" ? { merge: GaugeMerge } : { merge?: never }),
): MetricDef & { readonly kind: K } => Object.freeze(def);

export const METRICS = {
  httpServerDuration: m({
    name: "http.server.request.duration", kind: "histogram", unit: "s",
    description: "Duration of HTTP server requests, by route template, method, status and region",
    attributes: [ATTR.method, ATTR.route, ATTR.status, ATTR.region, ATTR.operationKind],
    buckets: HTTP_DURATION_BUCKETS,
  }),
  d1ClientDuration: m({
    name: "db.client.operation.duration", kind: "histogram", unit: "s",
    description: "D1 call duration seen from the Worker (includes network to the primary or replica)",
    attributes: [ATTR.d1OperationType, ATTR.d1Statement],
    buckets: D1_DURATION_BUCKETS,
  }),
  d1QueryDuration: m({
    name: "d1.query.duration", kind: "histogram", unit: "s",
    description: "D1's own execution time of a statement (result meta.duration)",
    attributes: [ATTR.d1OperationType, ATTR.d1Statement],
    buckets: D1_DURATION_BUCKETS,
  }),
  d1DatabaseSize: m({
    name: "d1.database.size", kind: "gauge", unit: "By",
    description: "D1 database size in bytes, from the last statement's meta.size_after",
    attributes: [],
    merge: "latest",
  }),
  d1RowsRead: m({
    name: "d1.rows.read", kind: "counter", unit: "{row}",
    description: "Rows read by D1 (meta.rows_read): what D1 bills reads by",
    attributes: [ATTR.d1OperationType],
  }),
  d1RowsWritten: m({
    name: "d1.rows.written", kind: "counter", unit: "{row}",
    description: "Rows written by D1 (meta.rows_written): what D1 bills writes by",
    attributes: [ATTR.d1OperationType],
  }),
  d1Queries: m({
    name: "d1.queries", kind: "counter", unit: "{query}",
    description: "D1 statements executed, by operation type (read/write)",
    attributes: [ATTR.d1OperationType],
  }),
  secretsCreated: m({ name: "moltsecret.secrets.created", kind: "counter", unit: "{secret}", description: "Secrets created", attributes: [] }),
  secretsRevealed: m({ name: "moltsecret.secrets.revealed", kind: "counter", unit: "{secret}", description: "Successful reveals (views counted)", attributes: [] }),
  secretsBurned: m({ name: "moltsecret.secrets.burned", kind: "counter", unit: "{secret}", description: "Secrets burned by their last allowed view or deleted by token", attributes: [] }),
  secretsPurged: m({ name: "moltsecret.secrets.purged", kind: "counter", unit: "{secret}", description: "Expired or burned rows removed by the cron purge", attributes: [] }),
  rateLimited: m({ name: "moltsecret.rate_limited", kind: "counter", unit: "{request}", description: "Requests refused with 429, by action", attributes: [ATTR.action] }),
  uniqueUsers: m({
    name: "moltsecret.users.unique", kind: "gauge", unit: "{user}",
    description: "Estimated unique clients today (UTC), HyperLogLog over a daily-salted hash; no IP is stored",
    attributes: [],
    merge: "max",
  }),
  kvWrites: m({
    name: "moltsecret.cache.kv_writes", kind: "counter", unit: "{write}",
    description: "Billed KV writes of the metadata query cache, by action: promote (a hot secret's metadata stored) or invalidate (deleted after a write)",
    attributes: [ATTR.action],
  }),
  cacheLookups: m({ name: "moltsecret.cache.lookups", kind: "counter", unit: "{lookup}", description: "Cache lookups by layer and result (hit/miss)", attributes: [ATTR.cacheLayer, ATTR.cacheResult] }),
  telemetryExports: m({ name: "moltsecret.telemetry.exports", kind: "counter", unit: "{export}", description: "OTLP export attempts by signal and outcome (exported/failed/dropped)", attributes: [ATTR.signal, ATTR.outcome] }),
  telemetryItems: m({ name: "moltsecret.telemetry.items", kind: "counter", unit: "{item}", description: "Telemetry items (log records, spans) by signal and outcome (exported/failed/dropped)", attributes: [ATTR.signal, ATTR.outcome] }),
  workerCpuTime: m({
    name: "worker.cpu_time", kind: "histogram", unit: "ms",
    description: "CPU time per invocation as measured by the platform (Tail Worker trace events)",
    attributes: [ATTR.workerScript, ATTR.workerOutcome, ATTR.workerTrigger],
    buckets: CPU_MS_BUCKETS,
  }),
  workerWallTime: m({
    name: "worker.wall_time", kind: "histogram", unit: "ms",
    description: "Wall time per invocation as measured by the platform (Tail Worker trace events)",
    attributes: [ATTR.workerScript, ATTR.workerOutcome, ATTR.workerTrigger],
    buckets: CPU_MS_BUCKETS,
  }),
  workerInvocations: m({ name: "worker.invocations", kind: "counter", unit: "{invocation}", description: "Invocations seen by the Tail Worker, by outcome", attributes: [ATTR.workerScript, ATTR.workerOutcome, ATTR.workerTrigger] }),
} as const satisfies Record<string, MetricDef>;

/** OTel unit -> Prometheus suffix, as the OTLP->Prometheus translation (Grafana Cloud, vmagent -opentelemetry.usePrometheusNaming) does it. */
const UNIT_SUFFIX: Record<string, string> = { s: "seconds", ms: "milliseconds", By: "bytes", "1": "ratio" };

/** A metric or label name as Prometheus stores it: dots to underscores, unit suffix, `_total` for counters. */
export const promLabel = (attribute: string): string => attribute.replace(/[^a-zA-Z0-9_]/g, "_");

export function promName(def: MetricDef): string {
  let name = promLabel(def.name);
  const suffix = def.unit.startsWith("{") ? "" : (UNIT_SUFFIX[def.unit] ?? promLabel(def.unit));
  if (suffix && !name.endsWith(`_${suffix}`)) name += `_${suffix}`;
  if (def.kind === "counter" && !name.endsWith("_total")) name += "_total";
  return name;
}
