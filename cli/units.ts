import { UserError } from "./errors.ts";

const SUFFIX: Record<string, number> = { "": 1, K: 1e3, M: 1e6, B: 1e9, G: 1e9 };

/** "100M" -> 100000000; accepts K, M, B (and G for B), underscores and commas as separators. */
export function parseCount(text: string, what = "count"): number {
  const m = /^\s*([0-9][0-9_,]*(?:\.[0-9]+)?)\s*([kKmMbBgG]?)\s*$/.exec(text);
  if (!m) throw new UserError(`invalid ${what} "${text}"`, { hint: "use a number with an optional K, M or B suffix, e.g. 100M" });
  const n = Number(m[1]!.replace(/[_,]/g, "")) * SUFFIX[m[2]!.toUpperCase()]!;
  if (!Number.isFinite(n)) throw new UserError(`invalid ${what} "${text}"`);
  return n;
}

export function parseNonNegative(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new UserError(`invalid ${what} "${text}"`, { hint: "use a non-negative number" });
  return n;
}

export const DAY_MS = 86_400_000;

export const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
