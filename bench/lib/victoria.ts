// A real VictoriaMetrics on 127.0.0.1 with a temp data dir, receiving OTLP metrics, queried over its Prometheus API.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, obsBinaries, startService } from "./obs.ts";

export interface Victoria {
  url: string;
  /** OTLP/HTTP protobuf metrics endpoint. */
  otlpMetricsUrl: string;
  /** Instant query; returns the samples of the result vector (labels and value). */
  query(promql: string): Promise<{ metric: Record<string, string>; value: number }[]>;
  /** Sum of an instant query's vector (0 when empty). */
  scalar(promql: string): Promise<number>;
  stop(): Promise<void>;
}

export async function startVictoria(): Promise<Victoria> {
  const { victoriaMetrics } = await obsBinaries();
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "moltsecret-bench-vm-"));
  const url = `http://127.0.0.1:${port}`;
  const svc = await startService({
    name: "victoria-metrics",
    cmd: victoriaMetrics,
    args: [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${dataDir}`, "-opentelemetry.usePrometheusNaming", "-search.latencyOffset=0s", "-loggerLevel=ERROR"],
    readyUrl: `${url}/health`,
    timeoutMs: 30_000,
  });
  const query = async (promql: string) => {
    // Make just-ingested samples searchable before asking.
    await fetch(`${url}/internal/force_flush`, { signal: AbortSignal.timeout(30_000) }).then((r) => r.arrayBuffer());
    const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: promql })}`, { signal: AbortSignal.timeout(30_000) });
    const body = (await res.json()) as { status: string; error?: string; data?: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    if (body.status !== "success") throw new Error(`VictoriaMetrics query failed (${promql}): ${body.error}`);
    return (body.data?.result ?? []).map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  };
  return {
    url,
    otlpMetricsUrl: `${url}/opentelemetry/v1/metrics`,
    query,
    scalar: async (promql) => (await query(promql)).reduce((s, r) => s + r.value, 0),
    stop: async () => {
      await svc.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
