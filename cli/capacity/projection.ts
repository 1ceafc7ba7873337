import { D1_LIMITS, D1_SIZE } from "../../catalog/index.ts";
import type { SizePoint } from "../sources/size-point.ts";
import { DAY_MS, isoDate } from "../units.ts";

export interface Projection {
  bytesPerDay: number;
  /** Days from `now` until the fitted line reaches each threshold; 0 when already past, null when never. */
  daysToWarning: number | null;
  daysToCritical: number | null;
  daysToLimit: number | null;
  warningDate: string | null;
  criticalDate: string | null;
  limitDate: string | null;
  points: number;
  /** Fitted size at `now`. */
  fittedBytesNow: number;
  interceptT: number;
  method: "least-squares" | "predict_linear";
  /** predict_linear's lookback window (Prometheus projections only). */
  lookback?: string;
}

/** Ordinary least squares of bytes on days; null with fewer than two distinct times. */
export function fitLine(points: readonly SizePoint[]): { slopePerDay: number; at: (t: number) => number } | null {
  if (points.length < 2) return null;
  const t0 = points[0]!.t;
  const xs = points.map((p) => (p.t - t0) / DAY_MS);
  const ys = points.map((p) => p.bytes);
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i]! - mx) ** 2;
    sxy += (xs[i]! - mx) * (ys[i]! - my);
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  return { slopePerDay: slope, at: (t) => intercept + slope * ((t - t0) / DAY_MS) };
}

export function project(points: readonly SizePoint[], now: number): Projection | null {
  const sorted = [...points].sort((a, b) => a.t - b.t);
  const line = fitLine(sorted);
  if (!line) return null;
  return projectLine(line.at(now), line.slopePerDay, now, { points: sorted.length, interceptT: sorted[0]!.t, method: "least-squares" });
}

/**
 * Prometheus' own projection (the alert's predict_linear at 0 and at the horizon) as the same kind of line, so the
 * report, the chart and the alert tell one story.
 */
export function projectPredictLinear(fittedNowBytes: number, projectedBytes: number, horizonSeconds: number, now: number, lookback: string): Projection {
  const slope = (projectedBytes - fittedNowBytes) / (horizonSeconds / (DAY_MS / 1000));
  return projectLine(fittedNowBytes, slope, now, { points: 0, interceptT: now, method: "predict_linear", lookback });
}

function projectLine(fittedNow: number, slopePerDay: number, now: number, how: Pick<Projection, "points" | "interceptT" | "method" | "lookback">): Projection {
  const line = { slopePerDay };
  const daysTo = (target: number): number | null => {
    if (fittedNow >= target) return 0;
    if (line.slopePerDay <= 0) return null;
    return (target - fittedNow) / line.slopePerDay;
  };
  const date = (d: number | null) => (d === null ? null : isoDate(now + d * DAY_MS));
  const w = daysTo(D1_SIZE.warning.value);
  const c = daysTo(D1_SIZE.critical.value);
  const l = daysTo(D1_LIMITS.maxSize.value);
  return {
    bytesPerDay: line.slopePerDay,
    daysToWarning: w, daysToCritical: c, daysToLimit: l,
    warningDate: date(w), criticalDate: date(c), limitDate: date(l),
    fittedBytesNow: fittedNow, ...how,
  };
}
