import { LIMIT_FRACTIONS } from "./capacity.ts";
import { D1_LIMITS } from "./limits.ts";
import { q, type Threshold } from "./quantity.ts";

const DOC = "infrastructure-recommendations.md";

/** Recommendation 4, "Alert Thresholds" table. */
export const ERROR_RATE: Threshold<"ratio"> = {
  warning: q(0.01, "ratio", `${DOC} Rec. 4: error rate > 1% is a warning`),
  critical: q(0.05, "ratio", `${DOC} Rec. 4: error rate > 5% is critical`),
};

export const P95_LATENCY: Threshold<"s"> = {
  warning: q(0.5, "s", `${DOC} Rec. 4: p95 latency > 500ms is a warning`),
  critical: q(2, "s", `${DOC} Rec. 4: p95 latency > 2s is critical`),
};

/** The document's 5 GB and 8 GB are 50% and 80% of D1's 10 GB: derived, so the limit and the fractions stay the one source. */
export const D1_SIZE: Threshold<"bytes"> = {
  warning: q(D1_LIMITS.maxSize.value * LIMIT_FRACTIONS.warning.value, "bytes", `${DOC} Rec. 4: D1 size > 5GB is a warning (also the Rec. 1 migration trigger, 50% of the limit)`),
  critical: q(D1_LIMITS.maxSize.value * LIMIT_FRACTIONS.critical.value, "bytes", `${DOC} Rec. 4: D1 size > 8GB is critical`),
};

export const WORKER_CPU: Threshold<"ms"> = {
  warning: q(30, "ms", `${DOC} Rec. 4: Worker CPU > 30ms is a warning`),
  critical: q(50, "ms", `${DOC} Rec. 4: Worker CPU > 50ms is critical`),
};

/** Recommendation 4, "Application Health": request success rate target. */
export const SUCCESS_RATE_TARGET = q(0.995, "ratio", `${DOC} Rec. 4: request success rate target > 99.5%`);

/** Multi-window multi-burn-rate alerting on the success SLO (Google SRE workbook, ch. 5). */
export const BURN_RATE_WINDOWS = [
  { severity: "page", factor: 14.4, long: "1h", short: "5m", for: "2m" },
  { severity: "page", factor: 6, long: "6h", short: "30m", for: "15m" },
  { severity: "ticket", factor: 3, long: "1d", short: "2h", for: "1h" },
  { severity: "ticket", factor: 1, long: "3d", short: "6h", for: "3h" },
] as const;

/** Recommendation 1, "When to Migrate". */
export const MIGRATION = {
  d1Size: q(D1_SIZE.warning.value, "bytes", `${DOC} Rec. 1: plan migration when the database exceeds 5GB (50% of the limit)`),
  writeLatencyP95: q(0.05, "s", `${DOC} Rec. 1: plan migration when write latency p95 exceeds 50ms`),
  projectionHorizon: q(30, "days", "Start planning when the size projection crosses 5GB within a month of lead time"),
} as const;

/** Recommendation 3, "Latency Targets" (p50 per region). */
export const REGIONS = ["us", "eu", "apac"] as const;
export type Region = (typeof REGIONS)[number];
export const LATENCY_TARGETS: Record<Region, { read: ReturnType<typeof q<"s">>; write: ReturnType<typeof q<"s">> }> = {
  us: {
    read: q(0.02, "s", `${DOC} Rec. 3: US read p50 < 20ms`),
    write: q(0.03, "s", `${DOC} Rec. 3: US write p50 < 30ms`),
  },
  eu: {
    read: q(0.03, "s", `${DOC} Rec. 3: EU read p50 < 30ms`),
    write: q(0.15, "s", `${DOC} Rec. 3: EU write p50 < 150ms`),
  },
  apac: {
    read: q(0.05, "s", `${DOC} Rec. 3: APAC read p50 < 50ms`),
    write: q(0.2, "s", `${DOC} Rec. 3: APAC write p50 < 200ms`),
  },
};

/** How long a condition must hold before an alert fires; sustained, not a blip. */
export const ALERT_FOR = {
  warning: "10m",
  critical: "5m",
  migration: "1h",
  absent: "15m",
} as const;
