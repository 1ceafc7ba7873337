import {
  ATTR, COST_ASSUMPTIONS, COST_BASE, COST_TERMS, DAYS_PER_MONTH, GRAFANA_CLOUD, LABEL_VALUES, METRICS, RULE_WINDOWS, TELEMETRY, UNIT, type CostTerm,
} from "../catalog/index.ts";
import { d1Size } from "./queries.ts";
import { eq, narrow, num, sumRate, type Scope } from "./expr.ts";

/**
 * Projected monthly Cloudflare bill in USD: the catalog's cost model (COST_TERMS, as `moltsecret cost` prices it) on
 * live rates over the cost window, scaled to a billing month. Each term falls back to 0 without data.
 */

const SECONDS_PER_MONTH = UNIT.secondsPerDay * DAYS_PER_MONTH.value;

const costScope = (scope: Scope): Scope => narrow(scope, { window: RULE_WINDOWS.cost });

/** Units per month at the current rate. */
const monthly = (perSecond: string): string => `(${perSecond}) * ${num(SECONDS_PER_MONTH)}`;

const orZero = (expr: string): string => `(${expr} or vector(0))`;

/** Requests per month at the current rate. */
export const requestsPerMonth = (scope: Scope): string => monthly(sumRate(METRICS.httpServerDuration, costScope({ ...scope, by: [] }), "_count"));

const kvLookups = (s: Scope): Scope => narrow(costScope(s), { matchers: [eq(ATTR.cacheLayer, LABEL_VALUES.cacheLayerKv)] });

/**
 * Each per-request figure of the cost model as the Worker meters it, per month. Durable Object requests are not
 * metered (the calls go to four classes from many places), so they are the requests times COST_ASSUMPTIONS.doRequests,
 * the same default `moltsecret cost` uses.
 */
const PER_REQUEST_USAGE: Record<keyof typeof COST_ASSUMPTIONS, (s: Scope) => string> = {
  cpuMs: (s) => monthly(sumRate(METRICS.workerCpuTime, costScope(s), "_sum")),
  d1RowsRead: (s) => monthly(sumRate(METRICS.d1RowsRead, costScope(s))),
  d1RowsWritten: (s) => monthly(sumRate(METRICS.d1RowsWritten, costScope(s))),
  kvReads: (s) => monthly(sumRate(METRICS.cacheLookups, kvLookups(s))),
  kvWrites: (s) => monthly(sumRate(METRICS.kvWrites, costScope(s))),
  doRequests: (s) => `${requestsPerMonth(s)} * ${num(COST_ASSUMPTIONS.doRequests.value)}`,
};

/** A cost term's usage this month at the current rate (storage: the size held now). */
export function monthlyTermUsage(term: CostTerm, scope: Scope): string {
  const s = { ...scope, by: [] };
  switch (term.usage.kind) {
    case "requests": return requestsPerMonth(s);
    case "perRequest": return PER_REQUEST_USAGE[term.usage.per](s);
    case "storage": return d1Size(s);
  }
}

/** USD of one cost term on the Paid plan: usage above the included amount, at the term's price; 0 without data. */
export const termCostUsd = (term: CostTerm, scope: Scope): string =>
  `clamp_min(${orZero(monthlyTermUsage(term, scope))} - ${num(term.included.value)}, 0) * ${num(term.price.value / term.per)}`;

/** Why a term costs what it does, for panel descriptions. */
export const termReason = (term: CostTerm): string =>
  `${term.price.reason}; ${term.included.reason}${term.usage.kind === "perRequest" && term.usage.per === "doRequests" ? `; not metered: ${COST_ASSUMPTIONS.doRequests.value} per request (COST_ASSUMPTIONS.doRequests)` : ""}`;

/** 1 while every term's usage fits the Free plan's allowances (the bill is then $0), else 0. */
export function freePlanFit(scope: Scope): string {
  const requests = orZero(requestsPerMonth(scope));
  return COST_TERMS.map((t) => {
    const bound = "perMonth" in t.free ? num(t.free.perMonth) : `${requests} * ${num(t.free.perRequest)}`;
    return `(${orZero(monthlyTermUsage(t, scope))} <= bool ${bound})`;
  }).join(" * ");
}

/** The whole projected bill: the base fee plus every term, or $0 while the month fits the Free plan. */
export const monthlyCostUsd = (scope: Scope): string =>
  `(${[num(COST_BASE.value), ...COST_TERMS.map((t) => termCostUsd(t, scope))].join(" + ")}) * (1 - ${freePlanFit(scope)})`;

/**
 * Telemetry's own cost in Grafana Cloud: every series the Worker and the Tail Worker write (job = service.name),
 * which is what Grafana Cloud bills as active series, and the Pro price of those beyond the Free tier.
 */
export const telemetrySeries = (scope: Scope): string =>
  `count({job=~"${[TELEMETRY.defaultServiceName, TELEMETRY.tailServiceName].join("|")}", ${scope.matchers.join(", ")}})`;

export const telemetrySeriesOverageUsd = (scope: Scope): string =>
  `clamp_min(${telemetrySeries(scope)} - ${num(GRAFANA_CLOUD.freeActiveSeries.value)}, 0) * ${num(GRAFANA_CLOUD.seriesPerThousandUsd.value / UNIT.thousand)}`;
