#!/usr/bin/env node
// A local VictoriaMetrics on 127.0.0.1 that accepts OTLP metrics (POST /opentelemetry/v1/metrics, protobuf)
// and names them the way Grafana Cloud does (-opentelemetry.usePrometheusNaming). Query: /api/v1/query.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { obsBinaries } from "./binaries.mjs";
import { freePort, startService } from "./service.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * Starts VictoriaMetrics. `dataDir` defaults to a fresh temp folder under .cache/vm (removed on stop);
 * pass a fixed one (e.g. for `npm start`) to keep data across runs.
 */
export async function startVictoriaMetrics({ port, dataDir, inherit = false } = {}) {
  const { victoriaMetrics } = await obsBinaries();
  const listenPort = port ?? (await freePort());
  const base = join(ROOT, ".cache", "vm");
  mkdirSync(base, { recursive: true });
  const dir = dataDir ?? mkdtempSync(join(base, "run-"));
  mkdirSync(dir, { recursive: true });
  const url = `http://127.0.0.1:${listenPort}`;
  const service = await startService({
    name: "victoria-metrics",
    cmd: victoriaMetrics,
    args: [
      `-httpListenAddr=127.0.0.1:${listenPort}`,
      `-storageDataPath=${dir}`,
      "-opentelemetry.usePrometheusNaming",
      "-search.latencyOffset=0s",
      "-retentionPeriod=7d",
      "-loggerLevel=WARN",
    ],
    readyUrl: `${url}/health`,
    timeoutMs: 20_000,
    inherit,
  });
  return {
    url,
    pid: service.pid,
    /** Makes just-ingested samples visible to queries now. */
    flush: async () => {
      await fetch(`${url}/internal/force_flush`);
    },
    /** Instant PromQL query; returns the `data.result` vector. */
    query: async (promql) => {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const json = await res.json();
      if (json.status !== "success") throw new Error(`VictoriaMetrics query failed: ${promql}: ${JSON.stringify(json)}`);
      return json.data.result;
    },
    stop: async () => {
      await service.stop();
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=")));
  const vm = await startVictoriaMetrics({ port: args.port ? Number(args.port) : undefined, dataDir: args["data-dir"] ?? join(ROOT, ".cache", "vm", "data"), inherit: true });
  console.log(`VictoriaMetrics on ${vm.url} (OTLP: ${vm.url}/opentelemetry/v1/metrics, PromQL: ${vm.url}/api/v1/query, UI: ${vm.url}/vmui)`);
  const stop = () => vm.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
