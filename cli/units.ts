import { BYTES_PER_GB } from "../catalog/index.ts";
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

/** Decimal GB, as Cloudflare states its limits (1 GB = 10^9 bytes). */
export function formatBytes(bytes: number): string {
  if (bytes >= BYTES_PER_GB) return `${(bytes / BYTES_PER_GB).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(2)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${Math.round(bytes)} B`;
}

export function formatCount(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${trim(n / 1e9)}B`;
  if (abs >= 1e6) return `${trim(n / 1e6)}M`;
  if (abs >= 1e3) return `${trim(n / 1e3)}K`;
  return trim(n);
}

const trim = (n: number): string => String(Number(n.toFixed(2)));

/** Four significant figures: a measured per-request average is an estimate, not 16 digits of fact. */
export const formatSignificant = (n: number): string => (n === 0 ? "0" : String(Number(n.toPrecision(4))));

export const formatUsd = (usd: number): string => `$${usd.toFixed(2)}`;

export function formatValue(value: number | boolean | null, unit: string): string {
  if (value === null) return "n/a";
  if (typeof value === "boolean") return value ? "yes" : "no";
  switch (unit) {
    case "bytes": return formatBytes(value);
    case "s": return `${(value * 1000).toFixed(1)} ms`;
    case "ratio": return `${(value * 100).toFixed(2)}%`;
    case "rows": return formatCount(value);
    case "writes/s": return `${trim(value)}/s`;
    default: return `${trim(value)} ${unit}`;
  }
}

export const DAY_MS = 86_400_000;

export const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
