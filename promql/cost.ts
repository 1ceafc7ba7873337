import {
  ATTR, BYTES_PER_GB, DAYS_PER_MONTH, GRAFANA_CLOUD, LABEL_VALUES, METRICS, PRICES, RULE_WINDOWS, TELEMETRY, UNIT, type Quantity,
} from "../catalog/index.ts";
import { d1Size } from "./queries.ts";
import { eq, narrow, num, sumRate, type Scope } from "./expr.ts";

/**
 * Projected monthly Cloudflare bill in USD: live rates over the cost window, scaled to a billing month,
 * minus what the plan includes, times the catalog's prices. Each term falls back to 0 without data.
 */

const SECONDS_PER_MONTH = UNIT.secondsPerDay * DAYS_PER_MONTH.value;

const costScope = (scope: Scope): Scope => narrow(scope, { window: RULE_WINDOWS.cost });

/** Units per month at the current rate. */
const monthly = (perSecond: string): string => `(${perSecond}) * ${num(SECONDS_PER_MONTH)}`;

/** USD for usage above the included amount, priced per million. */
const overage = (usagePerMonth: string, included: Quantity, pricePerMillion: Quantity): string =>
  `clamp_min(${usagePerMonth} - ${num(included.value)}, 0) * ${num(pricePerMillion.value / UNIT.million)}`;

const orZero = (expr: string): string => `(${expr} or vector(0))`;

export interface CostTerm {
  readonly key: string;
  readonly title: string;
  readonly expr: (scope: Scope) => string;
  readonly reason: string;
}

export const COST_TERMS: readonly CostTerm[] = [
  {
    key: "workers-requests", title: "Workers requests",
    expr: (s) => overage(monthly(sumRate(METRICS.httpServerDuration, costScope(s), "_count")), PRICES.workersIncludedRequests, PRICES.workersRequestsPerMillion),
    reason: `${PRICES.workersRequestsPerMillion.reason}; ${PRICES.workersIncludedRequests.reason}`,
  },
  {
    key: "workers-cpu", title: "Workers CPU",
    expr: (s) => overage(monthly(sumRate(METRICS.workerCpuTime, costScope(s), "_sum")), PRICES.workersIncludedCpuMs, PRICES.workersCpuPerMillionMs),
    reason: `${PRICES.workersCpuPerMillionMs.reason}; ${PRICES.workersIncludedCpuMs.reason}`,
  },
  {
    key: "d1-reads", title: "D1 rows read",
    expr: (s) => overage(monthly(sumRate(METRICS.d1RowsRead, costScope(s))), PRICES.d1IncludedReadsMonthly, PRICES.d1ReadsPerMillion),
    reason: `${PRICES.d1ReadsPerMillion.reason}; ${PRICES.d1IncludedReadsMonthly.reason}`,
  },
  {
    key: "d1-writes", title: "D1 rows written",
    expr: (s) => overage(monthly(sumRate(METRICS.d1RowsWritten, costScope(s))), PRICES.d1IncludedWritesMonthly, PRICES.d1WritesPerMillion),
    reason: `${PRICES.d1WritesPerMillion.reason}; ${PRICES.d1IncludedWritesMonthly.reason}`,
  },
  {
    key: "d1-storage", title: "D1 storage",
    expr: (s) => `clamp_min(${d1Size({ ...s, by: [] })} - ${num(PRICES.d1IncludedStorage.value)}, 0) * ${num(PRICES.d1StoragePerGbMonth.value / BYTES_PER_GB)}`,
    reason: `${PRICES.d1StoragePerGbMonth.reason}; ${PRICES.d1IncludedStorage.reason}`,
  },
  {
    key: "kv-reads", title: "KV reads",
    expr: (s) => overage(monthly(sumRate(METRICS.cacheLookups, narrow(costScope(s), { matchers: [eq(ATTR.cacheLayer, LABEL_VALUES.cacheLayerKv)] }))), PRICES.kvIncludedReadsMonthly, PRICES.kvReadsPerMillion),
    reason: `${PRICES.kvReadsPerMillion.reason}; ${PRICES.kvIncludedReadsMonthly.reason}; every KV cache lookup is a billed read`,
  },
  {
    key: "kv-writes", title: "KV writes",
    expr: (s) => overage(monthly(sumRate(METRICS.kvWrites, costScope(s))), PRICES.kvIncludedWritesMonthly, PRICES.kvWritesPerMillion),
    reason: `${PRICES.kvWritesPerMillion.reason}; ${PRICES.kvIncludedWritesMonthly.reason}; the query cache's hot-data promotions and invalidations, as measured`,
  },
];

/** Requests per month at the current rate. */
export const requestsPerMonth = (scope: Scope): string => monthly(sumRate(METRICS.httpServerDuration, costScope({ ...scope, by: [] }), "_count"));

/** The whole projected bill: base plan plus every usage term. */
export const monthlyCostUsd = (scope: Scope): string =>
  [num(PRICES.workersBaseMonthly.value), ...COST_TERMS.map((t) => orZero(t.expr({ ...scope, by: [] })))].join(" + ");

/**
 * Telemetry's own cost in Grafana Cloud: every series the Worker and the Tail Worker write (job = service.name),
 * which is what Grafana Cloud bills as active series, and the Pro price of those beyond the Free tier.
 */
export const telemetrySeries = (scope: Scope): string =>
  `count({job=~"${[TELEMETRY.defaultServiceName, TELEMETRY.tailServiceName].join("|")}", ${scope.matchers.join(", ")}})`;

export const telemetrySeriesOverageUsd = (scope: Scope): string =>
  `clamp_min(${telemetrySeries(scope)} - ${num(GRAFANA_CLOUD.freeActiveSeries.value)}, 0) * ${num(GRAFANA_CLOUD.seriesPerThousandUsd.value / UNIT.thousand)}`;
