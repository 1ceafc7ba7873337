import { ATTR, LABEL_VALUES, METRICS, RULE_WINDOWS } from "../catalog/index.ts";
import { eq, sumIncrease, type Scope } from "./expr.ts";
import {
  d1ReadQueries, d1Size, d1SizeAtHorizon, d1SizeProjection, d1WriteLatencyP95, d1WriteQueries, errorRatio, peakD1WriteRate,
} from "./queries.ts";
import { RULE_SCOPE, windowScope } from "./scope.ts";

/**
 * What `moltsecret capacity --prometheus-url` reads, one series per deployment environment: the expressions the
 * migration and threshold rules record, at the rules' scope, so the CLI and the alerts cannot measure different things.
 */
const day = windowScope(RULE_WINDOWS.day);

export const CAPACITY_SIGNALS = {
  /** MoltsecretMigrationWriteLatency's recording rule. */
  writeP95: d1WriteLatencyP95(RULE_SCOPE),
  /** The busiest rate window of the last day, in writes per second. */
  peakWriteRate: peakD1WriteRate(RULE_SCOPE),
  /** The threshold alerts' error ratio (5xx share). */
  errorRate: errorRatio(RULE_SCOPE),
  /** MoltsecretMigrationD1Size's expression. */
  size: d1Size(RULE_SCOPE),
  /** MoltsecretMigrationSizeProjection's recording rule: the size at the migration lead time. */
  sizeProjection: d1SizeAtHorizon(RULE_SCOPE),
  /** The same fit evaluated now, for the growth per day. */
  sizeFittedNow: d1SizeProjection(RULE_SCOPE, 0),
  /** `wrangler d1 info`'s 24 h figures. */
  readQueries24h: d1ReadQueries(day),
  writeQueries24h: d1WriteQueries(day),
  rowsRead24h: sumIncrease(METRICS.d1RowsRead, day),
  rowsWritten24h: sumIncrease(METRICS.d1RowsWritten, day),
} as const;

/** All environments together, over a window: the measured per-request usage of `moltsecret cost`. */
const overall = (window: string, matchers: readonly string[] = []): Scope => ({ matchers, by: [], window });

export const USAGE_TOTALS = {
  requests: (w: string) => sumIncrease(METRICS.httpServerDuration, overall(w), "_count"),
  rowsRead: (w: string) => sumIncrease(METRICS.d1RowsRead, overall(w)),
  rowsWritten: (w: string) => sumIncrease(METRICS.d1RowsWritten, overall(w)),
  kvLookups: (w: string) => sumIncrease(METRICS.cacheLookups, overall(w, [eq(ATTR.cacheLayer, LABEL_VALUES.cacheLayerKv)])),
  /** KV writes of the query cache: hot-data promotions and invalidations (worker/cache/). */
  kvWrites: (w: string) => sumIncrease(METRICS.kvWrites, overall(w)),
  cpuMsSum: (w: string) => sumIncrease(METRICS.workerCpuTime, overall(w), "_sum"),
  cpuMsCount: (w: string) => sumIncrease(METRICS.workerCpuTime, overall(w), "_count"),
  /** The database size now, for `cost`'s storage line. */
  size: d1Size(overall(RULE_WINDOWS.rate)),
} as const;
