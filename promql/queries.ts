import {
  ATTR, LABEL_VALUES, METRICS, MIGRATION, QUANTILES, RULE_WINDOWS, UNIT, type Region,
} from "../catalog/index.ts";
import {
  aggregate, eq, histogramQuantile, increase, narrow, num, ratio, re, series, sumBy, sumIncrease, sumRate, type Scope,
} from "./expr.ts";
import { promLabel } from "../catalog/index.ts";

/**
 * Every expression a panel or a rule evaluates, as a function of its scope. Panels pass the dashboard's
 * variables; rules pass the rule windows. Same function, same meaning, in both places.
 */

const http = METRICS.httpServerDuration;
const serverError = re(ATTR.status, LABEL_VALUES.serverErrorStatus);

export const requestRate = (scope: Scope): string => sumRate(http, scope, "_count");

export const serverErrorRate = (scope: Scope): string => sumRate(http, narrow(scope, { matchers: [serverError] }), "_count");

/** Share of requests answered 5xx (4xx are the client's, not ours): the quantity of the error-rate thresholds and the SLO. */
export const errorRatio = (scope: Scope): string => ratio(serverErrorRate(scope), requestRate(scope));

export const successRatio = (scope: Scope): string => `1 - (${errorRatio(scope)})`;

/** Request latency quantile in seconds. */
export const latencyQuantile = (quantile: number, scope: Scope): string => histogramQuantile(quantile, http, scope);

/** p50 by region for one operation kind (read or write), against the document's regional targets. */
export const regionalLatencyP50 = (kind: string, scope: Scope): string =>
  histogramQuantile(QUANTILES.p50.value, http, narrow(scope, { matchers: [eq(ATTR.operationKind, kind)], by: [promLabel(ATTR.region)] }));

export const regionLatencyP50 = (region: Region, kind: string, scope: Scope): string =>
  histogramQuantile(QUANTILES.p50.value, http, narrow(scope, { matchers: [eq(ATTR.operationKind, kind), eq(ATTR.region, region)] }));

/** Worker CPU time quantile in milliseconds (platform-measured, from the Tail Worker). */
export const cpuQuantile = (quantile: number, scope: Scope): string => histogramQuantile(quantile, METRICS.workerCpuTime, scope);

export const statusCodeRate = (scope: Scope): string => sumRate(http, narrow(scope, { by: [promLabel(ATTR.status)] }), "_count");

export const rateLimitedRate = (scope: Scope): string => sumRate(METRICS.rateLimited, narrow(scope, { by: [promLabel(ATTR.action)] }));

export function cacheHitRatio(scope: Scope): string {
  const byLayer = narrow(scope, { by: [promLabel(ATTR.cacheLayer)] });
  const hits = sumRate(METRICS.cacheLookups, narrow(byLayer, { matchers: [eq(ATTR.cacheResult, LABEL_VALUES.cacheResult.hit)] }));
  return ratio(hits, sumRate(METRICS.cacheLookups, byLayer));
}

const exportFailed = re(ATTR.outcome, `${LABEL_VALUES.telemetryOutcome.failed}|${LABEL_VALUES.telemetryOutcome.dropped}`);

/** Failed or dropped OTLP exports per second, by signal. */
export function telemetryExportFailureRate(scope: Scope): string {
  const bySignal = narrow(scope, { by: [promLabel(ATTR.signal)] });
  const failed = sumRate(METRICS.telemetryExports, narrow(bySignal, { matchers: [exportFailed] }));
  // A counter that never counted is not exported: a healthy exporter reads 0 per signal, not "no data".
  return `${failed} or (0 * ${sumRate(METRICS.telemetryExports, bySignal)})`;
}

/** Share of OTLP export attempts that failed or were dropped. */
export const telemetryExportFailureRatio = (scope: Scope): string =>
  ratio(sumRate(METRICS.telemetryExports, narrow(scope, { matchers: [exportFailed] })), sumRate(METRICS.telemetryExports, scope));

/** D1 database size in bytes: every isolate reports the same database, so the largest recent report wins. */
export const d1Size = (scope: Scope): string => aggregate("max", scope.by, series(METRICS.d1DatabaseSize, "", scope.matchers));

/** Size in bytes the database reaches after `horizonSeconds` if it keeps growing as over the lookback window. */
export const d1SizeProjection = (scope: Scope, horizonSeconds: number, lookback: string = RULE_WINDOWS.projectionLookback): string =>
  aggregate("max", scope.by, `predict_linear(${series(METRICS.d1DatabaseSize, "", scope.matchers)}[${lookback}], ${num(horizonSeconds)})`);

/** How far ahead the migration size projection looks: Rec. 1's lead time. */
export const PROJECTION_HORIZON_SECONDS = MIGRATION.projectionHorizon.value * UNIT.secondsPerDay;

/** Size in bytes the database reaches within the migration lead time: the MoltsecretMigrationSizeProjection quantity. */
export const d1SizeAtHorizon = (scope: Scope): string => d1SizeProjection(scope, PROJECTION_HORIZON_SECONDS);

const d1Write = eq(ATTR.d1OperationType, LABEL_VALUES.d1OperationType.write);
const d1Read = eq(ATTR.d1OperationType, LABEL_VALUES.d1OperationType.read);

/** D1 write statements per second at the busiest rate window within `over`. */
export const peakD1WriteRate = (scope: Scope, over: string = RULE_WINDOWS.day): string =>
  `max_over_time(${sumRate(METRICS.d1Queries, narrow(scope, { matchers: [d1Write] }))}[${over}:${scope.window}])`;

/** D1 read and write statements over the scope's window (`wrangler d1 info`'s figures when the window is a day). */
export const d1ReadQueries = (scope: Scope): string => sumIncrease(METRICS.d1Queries, narrow(scope, { matchers: [d1Read] }));
export const d1WriteQueries = (scope: Scope): string => sumIncrease(METRICS.d1Queries, narrow(scope, { matchers: [d1Write] }));

/** D1 statements per minute by operation type (read/write). */
export const d1OperationsPerMinute = (scope: Scope): string =>
  `${sumRate(METRICS.d1Queries, narrow(scope, { by: [promLabel(ATTR.d1OperationType)] }))} * ${num(UNIT.secondsPerMinute)}`;

export const d1RowsReadRate = (scope: Scope): string => sumRate(METRICS.d1RowsRead, scope);
export const d1RowsWrittenRate = (scope: Scope): string => sumRate(METRICS.d1RowsWritten, scope);

/** D1 call latency quantile (seconds, Worker side: what the users wait for) by operation type. */
export const d1LatencyQuantile = (quantile: number, scope: Scope): string =>
  histogramQuantile(quantile, METRICS.d1ClientDuration, narrow(scope, { by: [promLabel(ATTR.d1OperationType)] }));

/**
 * D1 write latency p95 in seconds: the Rec. 1 migration trigger (MIGRATION.writeLatencyP95). Measured on the Worker's
 * side of the call (db.client.operation.duration), not D1's own execution time (d1.query.duration): the document's
 * latency targets are what users wait for, and the single primary's distance and queueing show in the round trip, not in meta.duration.
 */
export const d1WriteLatencyP95 = (scope: Scope): string =>
  histogramQuantile(QUANTILES.p95.value, METRICS.d1ClientDuration, narrow(scope, { matchers: [d1Write] }));

/** D1's own execution time quantile by operation type. */
export const d1ExecutionQuantile = (quantile: number, scope: Scope): string =>
  histogramQuantile(quantile, METRICS.d1QueryDuration, narrow(scope, { by: [promLabel(ATTR.d1OperationType)] }));

const perDay = (def: (typeof METRICS)[keyof typeof METRICS], scope: Scope): string =>
  sumBy(scope.by, increase(series(def, "", scope.matchers), RULE_WINDOWS.day));

export const secretsCreatedPerDay = (scope: Scope): string => perDay(METRICS.secretsCreated, scope);
export const secretsRevealedPerDay = (scope: Scope): string => perDay(METRICS.secretsRevealed, scope);
export const secretsBurnedPerDay = (scope: Scope): string => perDay(METRICS.secretsBurned, scope);

/** Today's (UTC) unique-client estimate from the HyperLogLog gauge. */
export const uniqueUsersToday = (scope: Scope): string => aggregate("max", scope.by, series(METRICS.uniqueUsers, "", scope.matchers));
