import { COST_ASSUMPTIONS, DAYS_PER_MONTH, FREE_PLAN } from "./capacity.ts";
import { PRICES } from "./prices.ts";
import { BYTES_PER_GB, type Quantity } from "./quantity.ts";

/**
 * The one cost model: every line of the monthly Cloudflare bill, with its Paid plan allowance, its price and its
 * Free plan allowance. `moltsecret cost` and `capacity` price usage with it (cli/cost/model.ts); the cost dashboard
 * turns it into PromQL (promql cost builders). A term added here appears in both.
 */

/** What a term's monthly usage is: the requests, one of COST_ASSUMPTIONS' per-request figures times the requests, or the storage held. */
export type CostUsage = { readonly kind: "requests" } | { readonly kind: "perRequest"; readonly per: keyof typeof COST_ASSUMPTIONS } | { readonly kind: "storage" };

/** The Free plan's bound on a term: an amount per month, or (CPU) an average per request. */
export type FreeAllowance = { readonly perMonth: number } | { readonly perRequest: number };

export interface CostTerm {
  readonly key: string;
  readonly title: string;
  readonly usage: CostUsage;
  /** Unit of the usage (requests, ms, rows, bytes ...). */
  readonly unit: string;
  /** Included in the Paid plan each month. */
  readonly included: Quantity;
  /** USD per `per` units of usage beyond `included`. */
  readonly price: Quantity;
  readonly per: number;
  readonly free: FreeAllowance;
}

const PER_MILLION = 1e6;
const perMonth = (perDay: Quantity): FreeAllowance => ({ perMonth: perDay.value * DAYS_PER_MONTH.value });

/** The Paid plan's base fee, billed whatever the usage once the Free plan's allowances are exceeded. */
export const COST_BASE = PRICES.workersBaseMonthly;

export const COST_TERMS: readonly CostTerm[] = [
  {
    key: "workers-requests", title: "Workers requests", usage: { kind: "requests" }, unit: "requests",
    included: PRICES.workersIncludedRequests, price: PRICES.workersRequestsPerMillion, per: PER_MILLION, free: perMonth(PRICES.workersFreeRequestsPerDay),
  },
  {
    key: "workers-cpu", title: "Workers CPU time", usage: { kind: "perRequest", per: "cpuMs" }, unit: "ms",
    included: PRICES.workersIncludedCpuMs, price: PRICES.workersCpuPerMillionMs, per: PER_MILLION, free: { perRequest: FREE_PLAN.cpuMsPerInvocation.value },
  },
  {
    key: "d1-reads", title: "D1 rows read", usage: { kind: "perRequest", per: "d1RowsRead" }, unit: "rows",
    included: PRICES.d1IncludedReadsMonthly, price: PRICES.d1ReadsPerMillion, per: PER_MILLION, free: perMonth(PRICES.d1FreeReadsPerDay),
  },
  {
    key: "d1-writes", title: "D1 rows written", usage: { kind: "perRequest", per: "d1RowsWritten" }, unit: "rows",
    included: PRICES.d1IncludedWritesMonthly, price: PRICES.d1WritesPerMillion, per: PER_MILLION, free: perMonth(FREE_PLAN.d1WritesPerDay),
  },
  {
    key: "d1-storage", title: "D1 storage", usage: { kind: "storage" }, unit: "bytes",
    included: PRICES.d1IncludedStorage, price: PRICES.d1StoragePerGbMonth, per: BYTES_PER_GB, free: { perMonth: FREE_PLAN.d1Storage.value },
  },
  {
    key: "kv-reads", title: "KV reads", usage: { kind: "perRequest", per: "kvReads" }, unit: "reads",
    included: PRICES.kvIncludedReadsMonthly, price: PRICES.kvReadsPerMillion, per: PER_MILLION, free: perMonth(PRICES.kvFreeReadsPerDay),
  },
  {
    key: "kv-writes", title: "KV writes", usage: { kind: "perRequest", per: "kvWrites" }, unit: "writes",
    included: PRICES.kvIncludedWritesMonthly, price: PRICES.kvWritesPerMillion, per: PER_MILLION, free: perMonth(FREE_PLAN.kvWritesPerDay),
  },
  {
    key: "do-requests", title: "Durable Object requests", usage: { kind: "perRequest", per: "doRequests" }, unit: "requests",
    included: PRICES.doIncludedRequestsMonthly, price: PRICES.doRequestsPerMillion, per: PER_MILLION, free: perMonth(FREE_PLAN.doRequestsPerDay),
  },
];

/** USD for `usage` of a term in a month on the Paid plan: what exceeds the allowance, at the term's price. */
export const termUsd = (term: CostTerm, usage: number): number => (Math.max(0, usage - term.included.value) / term.per) * term.price.value;

/** True when `usage` stays within the term's Free plan allowance at `requests` per month. */
export const withinFree = (term: CostTerm, usage: number, requests: number): boolean =>
  "perMonth" in term.free ? usage <= term.free.perMonth : usage <= requests * term.free.perRequest;
