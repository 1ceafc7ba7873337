import * as catalog from "./index.ts";
import { BYTES_PER_GB, UNIT, type Quantity } from "./index.ts";

/**
 * The numbers that must only ever be typed in catalog/: every threshold, limit, target, price, quantile and
 * burn factor, in its own unit and in the units a dashboard or a rule might show it in.
 */

const isQuantity = (v: unknown): v is Quantity =>
  typeof v === "object" && v !== null && typeof (v as Quantity).value === "number" && typeof (v as Quantity).unit === "string" && typeof (v as Quantity).reason === "string";

/** Catalog exports that are thresholds, limits or prices (not API contract values, buckets or metric names). */
const GUARDED = [
  "ERROR_RATE", "P95_LATENCY", "D1_SIZE", "WORKER_CPU", "SUCCESS_RATE_TARGET", "BURN_RATE_WINDOWS", "MIGRATION", "LATENCY_TARGETS",
  "D1_LIMITS", "WORKER_LIMITS", "PRICES", "LIMIT_FRACTIONS", "TELEMETRY_EXPORT_FAILURES", "QUANTILES", "BREAK_EVEN", "DAYS_PER_MONTH",
  "GRAFANA_CLOUD", "TELEMETRY_SERIES",
] as const;

function quantities(value: unknown, out: Quantity[] = []): Quantity[] {
  if (isQuantity(value)) out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => quantities(v, out));
  else if (typeof value === "object" && value !== null) Object.values(value).forEach((v) => quantities(v, out));
  return out;
}

const canonical = (n: number): number => Number(n.toPrecision(12));

/** A quantity's value in every unit it may be displayed in. */
function variants(q: Quantity): number[] {
  const v = q.value;
  switch (q.unit) {
    case "s":
      return [v, v * UNIT.msPerSecond];
    case "ms":
      return [v, v / UNIT.msPerSecond];
    case "bytes":
      return [v, v / BYTES_PER_GB];
    case "ratio":
      return [v, v * UNIT.percent, 1 - v, (1 - v) * UNIT.percent];
    case "days":
      return [v, v * UNIT.secondsPerDay];
    default:
      return [v];
  }
}

/** 0 and 1 are identities (indexes, "1 - ratio", a factor of 1x); everything else in the catalog is guarded. */
const EXEMPT = new Set([0, 1]);

export function guardedValues(): Set<number> {
  const registry = catalog as Record<string, unknown>;
  const values = new Set<number>();
  for (const name of GUARDED) {
    const exported = registry[name];
    if (exported === undefined) throw new Error(`catalog has no export ${name}`);
    for (const q of quantities(exported)) for (const v of variants(q)) values.add(canonical(v));
  }
  for (const w of catalog.BURN_RATE_WINDOWS) values.add(canonical(w.factor));
  for (const e of EXEMPT) values.delete(e);
  return values;
}

export interface LiteralHit {
  readonly line: number;
  readonly text: string;
  readonly value: number;
}

/**
 * Numbers standing alone in source text (code, strings, comments), also with a factor or unit suffix (x, GB, ms);
 * not parts of identifiers (p95, 5xx), PromQL durations (5m) or recommendation numbers ("Rec. 3").
 */
const NUMBER = /(?<![\w.$])(?<!Rec\. )(\d[\d_]*(?:\.\d+)?(?:e[+-]?\d+)?)(?=$|[^\w.]|x\b|GB\b|ms\b)/gi;

/**
 * How strictly a folder is read. "rendering" (dashboards, alerts, PromQL): every guarded number is a hit, since their
 * sources have no business typing figures. "code" (cli/, worker/): ordinary code counts with small integers (indexes,
 * radixes, HTTP statuses) and powers of ten (unit conversions), so there a number is a hit when it carries a unit a
 * threshold is shown in (5 GB, 50 ms, 1%, 14.4x) or is distinctive (a fraction, or a large number that is not a power of ten).
 */
export type ReadingMode = "rendering" | "code";

/** A unit after a number, and the factor that turns the number into the catalog's canonical value (bytes, seconds, ratio). */
const UNIT_AFTER = /^\s?(GB|ms|%|x|\* BYTES_PER_GB)(?![\w])/;
const TO_CANONICAL: Record<string, number> = { GB: BYTES_PER_GB, "* BYTES_PER_GB": BYTES_PER_GB, ms: 1 / UNIT.msPerSecond, "%": 1 / UNIT.percent, x: 1 };
/** Links are addresses, not figures (the 2000 of http://www.w3.org/2000/svg). */
const URL = /\bhttps?:\/\/\S+/g;
const isPowerOfTen = (v: number): boolean => Number.isInteger(Math.log10(Math.abs(v)));
const distinctive = (v: number): boolean => !Number.isInteger(v) || (Math.abs(v) >= 1000 && !isPowerOfTen(v));

export function findGuardedLiterals(source: string, guarded: Set<number> = guardedValues(), mode: ReadingMode = "rendering"): LiteralHit[] {
  const hits: LiteralHit[] = [];
  source.split("\n").forEach((line, i) => {
    const text = line.replace(URL, "");
    for (const match of text.matchAll(NUMBER)) {
      const value = canonical(Number((match[1] ?? "").replace(/_/g, "")));
      if (mode === "rendering") {
        if (guarded.has(value)) hits.push({ line: i + 1, text: line.trim(), value });
        continue;
      }
      const unit = UNIT_AFTER.exec(text.slice((match.index ?? 0) + match[0].length))?.[1];
      const hit = unit ? guarded.has(canonical(value * TO_CANONICAL[unit]!)) : guarded.has(value) && distinctive(value);
      if (hit) hits.push({ line: i + 1, text: line.trim(), value });
    }
  });
  return hits;
}
