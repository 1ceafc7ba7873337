import { BYTES_PER_GB, q } from "./quantity.ts";

const DOC = "infrastructure-recommendations.md";

/** Recommendation 1, "Current D1 Limitations". */
export const D1_LIMITS = {
  maxSize: q(10 * BYTES_PER_GB, "bytes", `${DOC} Rec. 1: 10GB max per database`),
  maxRows: q(500_000_000, "rows", `${DOC} Rec. 1: 500M row limit`),
  writesPerSecond: q(1000, "writes/s", `${DOC} Rec. 1: single primary, ~1000 writes/sec typical`),
  maxBoundParameters: q(100, "parameters", "Cloudflare D1 limit: at most 100 bound parameters per query"),
} as const;

/** Recommendation 5, "Right-size Worker Limits". */
export const WORKER_LIMITS = {
  cpuMs: q(10, "ms", `${DOC} Rec. 5: [limits] cpu_ms = 10 to start low`),
} as const;

/** Recommendation 5, "Smart KV Usage": promote to KV only what is hot. */
export const KV_HOT_READS_PER_MINUTE = q(10, "reads/min", `${DOC} Rec. 5: use KV for hot data only (>10 reads/min)`);
