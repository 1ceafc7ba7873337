import { ATTR, LABEL_VALUES, METRICS, MIGRATION, RULE_WINDOWS, UNIT } from "../../catalog/index.ts";
import {
  aggregate, d1SizeProjection, d1Size, d1WriteLatencyP95, ENV_LABEL, eq, errorRatio, increase, narrow, series, sumBy, sumRate, type Scope,
} from "../../promql/index.ts";

/**
 * The scope of the alert rules (every label matcher none, one series per deployment environment, the rules' rate
 * window): the CLI evaluates the very expressions the migration and threshold alerts evaluate.
 */
export const ALERT_SCOPE: Scope = { matchers: [], by: [ENV_LABEL], window: RULE_WINDOWS.rate };

export const HORIZON_SECONDS = MIGRATION.projectionHorizon.value * UNIT.secondsPerDay;

const write = eq(ATTR.d1OperationType, LABEL_VALUES.d1OperationType.write);
const read = eq(ATTR.d1OperationType, LABEL_VALUES.d1OperationType.read);
const total = (def: (typeof METRICS)[keyof typeof METRICS], window: string, matchers: string[] = [], suffix: "" | "_count" = "") =>
  sumBy(ALERT_SCOPE.by, increase(series(def, suffix, matchers), window));

/** What `capacity --prometheus-url` reads, per deployment environment. */
export const SIGNALS = {
  /** MoltsecretMigrationWriteLatency's recording rule. */
  writeP95: d1WriteLatencyP95(ALERT_SCOPE),
  /** The busiest 5 minutes of the last day, in writes per second. */
  peakWriteRate: `max_over_time(${sumRate(METRICS.d1Queries, narrow(ALERT_SCOPE, { matchers: [write] }))}[1d:${RULE_WINDOWS.rate}])`,
  /** The threshold alerts' error ratio (5xx share). */
  errorRate: errorRatio(ALERT_SCOPE),
  /** MoltsecretMigrationD1Size's expression. */
  size: d1Size(ALERT_SCOPE),
  /** MoltsecretMigrationSizeProjection's recording rule: the size in `projectionHorizon` days. */
  sizeProjection: d1SizeProjection(ALERT_SCOPE, HORIZON_SECONDS),
  /** The same fit evaluated now, for the growth per day. */
  sizeFittedNow: d1SizeProjection(ALERT_SCOPE, 0),
  /** `wrangler d1 info`'s 24 h figures. */
  readQueries24h: total(METRICS.d1Queries, "24h", [read]),
  writeQueries24h: total(METRICS.d1Queries, "24h", [write]),
  rowsRead24h: total(METRICS.d1RowsRead, "24h"),
  rowsWritten24h: total(METRICS.d1RowsWritten, "24h"),
};

const overall = (def: (typeof METRICS)[keyof typeof METRICS], w: string, matchers: string[] = [], suffix: "" | "_count" | "_sum" = "") =>
  aggregate("sum", [], increase(series(def, suffix, matchers), w));

/** Totals over a window, for the measured per-request usage of `cost`. */
export const QUERIES = {
  requests: (w: string) => overall(METRICS.httpServerDuration, w, [], "_count"),
  rowsRead: (w: string) => overall(METRICS.d1RowsRead, w),
  rowsWritten: (w: string) => overall(METRICS.d1RowsWritten, w),
  kvLookups: (w: string) => overall(METRICS.cacheLookups, w, [eq(ATTR.cacheLayer, LABEL_VALUES.cacheLayerKv)]),
  /** KV writes of the query cache: hot-data promotions and invalidations (worker/cache/). */
  kvWrites: (w: string) => overall(METRICS.kvWrites, w),
  cpuMsSum: (w: string) => overall(METRICS.workerCpuTime, w, [], "_sum"),
  cpuMsCount: (w: string) => overall(METRICS.workerCpuTime, w, [], "_count"),
  /** The database size now, for `cost`'s storage line. */
  size: aggregate("max", [], series(METRICS.d1DatabaseSize, "")),
};
