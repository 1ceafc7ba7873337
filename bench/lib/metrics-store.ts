// The Grafana Cloud stand-in (vmagent with Grafana Cloud's labelling -> real Prometheus, scripts/obs/stand-in.mjs) on
// 127.0.0.1 with per-run data directories, receiving OTLP metrics, queried over Prometheus' API.
import { join } from "node:path";
import { ROOT } from "./root.ts";

export interface MetricsStore {
  /** Prometheus' base URL. */
  url: string;
  /** OTLP/HTTP protobuf metrics endpoint (vmagent). */
  otlpMetricsUrl: string;
  /** Instant query once everything received is stored; returns the samples of the result vector (labels and value). */
  query(promql: string): Promise<{ metric: Record<string, string>; value: number }[]>;
  /** Sum of an instant query's vector (0 when empty). */
  scalar(promql: string): Promise<number>;
  stop(): Promise<void>;
}

interface StandIn {
  url: string;
  otlpMetricsUrl: string;
  flush(): Promise<void>;
  query(promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  stop(): Promise<void>;
}

export async function startMetricsStore(): Promise<MetricsStore> {
  const { startStandIn } = (await import(join(ROOT, "scripts/obs/stand-in.mjs"))) as { startStandIn(): Promise<StandIn> };
  const standIn = await startStandIn();
  const query = async (promql: string) => {
    await standIn.flush();
    return (await standIn.query(promql)).map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  };
  return {
    url: standIn.url,
    otlpMetricsUrl: standIn.otlpMetricsUrl,
    query,
    scalar: async (promql) => (await query(promql)).reduce((s, r) => s + r.value, 0),
    stop: () => standIn.stop(),
  };
}
