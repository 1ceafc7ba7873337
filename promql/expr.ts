import { num } from "../catalog/format.ts";
import { ATTR, promLabel, promName, type MetricDef } from "../catalog/index.ts";

/**
 * Tiny PromQL builders. Every metric and label name comes from the catalog, so a rename there
 * moves every dashboard panel and every rule at once.
 */

/** Where a query is evaluated: extra label matchers, the labels kept by aggregations, and the rate window. */
export interface Scope {
  readonly matchers: readonly string[];
  readonly by: readonly string[];
  readonly window: string;
}

export const ENV_LABEL = promLabel(ATTR.environment);

/** PromQL numbers are the catalog's canonical numbers. */
export { num };

export const eq = (attribute: string, value: string): string => `${promLabel(attribute)}="${value}"`;
export const re = (attribute: string, value: string): string => `${promLabel(attribute)}=~"${value}"`;

export type SeriesSuffix = "" | "_bucket" | "_count" | "_sum";

export function series(def: MetricDef, suffix: SeriesSuffix, matchers: readonly string[] = []): string {
  return `${promName(def)}${suffix}${matchers.length ? `{${matchers.join(", ")}}` : ""}`;
}

export const rate = (selector: string, window: string): string => `rate(${selector}[${window}])`;
export const increase = (selector: string, window: string): string => `increase(${selector}[${window}])`;

export function aggregate(op: "sum" | "max" | "min" | "avg", by: readonly string[], inner: string): string {
  return by.length ? `${op} by (${by.join(", ")}) (${inner})` : `${op}(${inner})`;
}
export const sumBy = (by: readonly string[], inner: string): string => aggregate("sum", by, inner);

/** The scope narrowed by more matchers and/or more grouping labels. */
export function narrow(scope: Scope, more: { matchers?: readonly string[]; by?: readonly string[]; window?: string }): Scope {
  return {
    matchers: [...scope.matchers, ...(more.matchers ?? [])],
    by: [...new Set([...scope.by, ...(more.by ?? [])])],
    window: more.window ?? scope.window,
  };
}

/** Rate of a counter (or a histogram's _count/_sum), summed within the scope. */
export function sumRate(def: MetricDef, scope: Scope, suffix: SeriesSuffix = ""): string {
  return sumBy(scope.by, rate(series(def, suffix, scope.matchers), scope.window));
}

/** Increase of a counter (or a histogram's _count/_sum) over the scope's window, summed within the scope. */
export function sumIncrease(def: MetricDef, scope: Scope, suffix: SeriesSuffix = ""): string {
  return sumBy(scope.by, increase(series(def, suffix, scope.matchers), scope.window));
}

/** A quantile from a histogram's buckets, in the histogram's own unit. */
export function histogramQuantile(quantile: number, def: MetricDef, scope: Scope): string {
  return `histogram_quantile(${num(quantile)}, ${sumBy([...scope.by, "le"], rate(series(def, "_bucket", scope.matchers), scope.window))})`;
}

/** `a / b` where an absent numerator (no errors yet) reads as 0 rather than as no data. */
export function ratio(numerator: string, denominator: string): string {
  return `(${numerator} or (0 * ${denominator})) / ${denominator}`;
}
