import { CAPACITY_SIGNALS, ENV_LABEL, PROJECTION_HORIZON_SECONDS } from "../../promql/index.ts";
import type { D1Usage } from "./cloudflare-api.ts";
import { instantVector, type PrometheusOptions, type Sample } from "./prometheus.ts";

/** What Prometheus said about one deployment environment; null where a series is absent. */
export interface PrometheusCapacity {
  /** The environment the figures belong to (the given one, else the one with the largest database). */
  environment: string | null;
  writeP95Seconds: number | null;
  writesPerSecond: number | null;
  errorRate: number | null;
  sizeBytes: number | null;
  /** predict_linear at the projection horizon, and at 0 (the fitted size now). */
  projection: { projectedBytes: number; fittedNowBytes: number; horizonSeconds: number; expr: string } | null;
  usage24h: D1Usage | null;
}

/** The value for `env`, or the largest across environments when the series carries no such label. */
function pick(samples: Sample[], env: string | null): number | null {
  const mine = env === null ? samples : samples.filter((s) => s.labels[ENV_LABEL] === env);
  const pool = mine.length > 0 ? mine : samples.filter((s) => s.labels[ENV_LABEL] === undefined);
  return pool.length > 0 ? Math.max(...pool.map((s) => s.value)) : null;
}

export async function fetchCapacitySignals(p: PrometheusOptions, environment?: string): Promise<PrometheusCapacity> {
  const keys = Object.keys(CAPACITY_SIGNALS) as (keyof typeof CAPACITY_SIGNALS)[];
  const answers = await Promise.all(keys.map((k) => instantVector(p, CAPACITY_SIGNALS[k])));
  const got = Object.fromEntries(keys.map((k, i) => [k, answers[i]!])) as Record<keyof typeof CAPACITY_SIGNALS, Sample[]>;
  const largest = [...got.size].sort((a, b) => b.value - a.value)[0];
  const env = environment ?? largest?.labels[ENV_LABEL] ?? null;
  const v = (k: keyof typeof CAPACITY_SIGNALS) => pick(got[k], env);
  const projected = v("sizeProjection");
  const fittedNow = v("sizeFittedNow");
  const usage = [v("readQueries24h"), v("writeQueries24h"), v("rowsRead24h"), v("rowsWritten24h")];
  return {
    environment: env,
    writeP95Seconds: v("writeP95"),
    writesPerSecond: v("peakWriteRate"),
    errorRate: v("errorRate"),
    sizeBytes: v("size"),
    projection: projected !== null && fittedNow !== null ? { projectedBytes: projected, fittedNowBytes: fittedNow, horizonSeconds: PROJECTION_HORIZON_SECONDS, expr: CAPACITY_SIGNALS.sizeProjection } : null,
    usage24h: usage.every((x) => x === null) ? null : { readQueries: usage[0] ?? 0, writeQueries: usage[1] ?? 0, rowsRead: usage[2] ?? 0, rowsWritten: usage[3] ?? 0 },
  };
}
