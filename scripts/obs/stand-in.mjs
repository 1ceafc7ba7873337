#!/usr/bin/env node
// The local stand-in for Grafana Cloud's metrics, from real parts: vmagent (OTLP in, Prometheus naming, Grafana Cloud's
// labelling) remote-writing into a real Prometheus 2.53 (Mimir's PromQL engine: a new series' first sample is never
// counted by rate()/increase()), which also evaluates the generated alert rules. Tests, `npm start`, the CLI's
// --prometheus-url and every printed link use this one store.
//   node scripts/obs/stand-in.mjs [--port 18800] [--interval 15s]
import { pathToFileURL } from "node:url";
import { pollUntil } from "../lib/poll.mjs";
import { startPrometheus, RULES_FILE, UI_PATHS } from "./prometheus.mjs";
import { startVmagent } from "./vmagent.mjs";

/** A series the stand-in writes itself to know everything received before has reached Prometheus. */
export const FLUSH_MARKER = "moltsecret_standin_flush_marker";

/**
 * Starts Prometheus, then vmagent in front of it. `port` / `agentPort`: 0 or absent for OS-assigned ports.
 * `interval`: rule evaluation interval override (tests). Both data directories are per run and removed on stop.
 */
export async function startStandIn({ port, agentPort, interval, rulesFile = RULES_FILE, inherit = false } = {}) {
  const prometheus = await startPrometheus({ port, interval, rulesFile, inherit });
  let agent;
  try {
    agent = await startVmagent({ remoteWriteUrl: `${prometheus.url}/api/v1/write`, port: agentPort, inherit });
  } catch (error) {
    await prometheus.stop();
    throw error;
  }
  const api = async (path, params = {}) => {
    const res = await fetch(`${prometheus.url}${path}?${new URLSearchParams(params)}`, { signal: AbortSignal.timeout(30_000) });
    const json = await res.json();
    if (json.status !== "success") throw new Error(`Prometheus ${path} failed (${JSON.stringify(params)}): ${json.error ?? res.status}`);
    return json.data;
  };
  let flushes = 0;
  return {
    /** Prometheus: PromQL at {url}/api/v1/query, the alert rules' state at {url}/api/v1/alerts. */
    url: prometheus.url,
    agentUrl: agent.url,
    /** Where a Worker's OTLP metrics go (protobuf). */
    otlpMetricsUrl: agent.otlpMetricsUrl,
    /** Prometheus text format with timestamps, relabelled and stored like OTLP metrics. */
    importUrl: agent.importUrl,
    pids: [prometheus.pid, agent.pid],
    links: Object.fromEntries(Object.entries(UI_PATHS).map(([k, path]) => [k, `${prometheus.url}${path}`])),
    /** Waits until everything vmagent accepted before this call is queryable in Prometheus. */
    async flush(timeoutMs = 30_000) {
      const seq = ++flushes;
      const res = await fetch(agent.importUrl, { method: "POST", body: `${FLUSH_MARKER} ${seq}\n` });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`vmagent refused the flush marker: HTTP ${res.status}`);
      const delivered = async () => Number((await api("/api/v1/query", { query: FLUSH_MARKER })).result[0]?.value[1]) >= seq;
      await pollUntil(delivered, { timeoutMs, what: "vmagent delivering to Prometheus" });
    },
    /** Instant PromQL query (at `time`, seconds, or now); returns `data.result`. */
    query: async (promql, time) => (await api("/api/v1/query", { query: promql, ...(time ? { time: String(time) } : {}) })).result,
    /** Alerts as /api/v1/alerts returns them: [{ labels, annotations, state: "pending" | "firing", value }]. */
    alerts: async () => (await api("/api/v1/alerts")).alerts,
    rules: async () => (await api("/api/v1/rules")).groups,
    stop: async () => {
      await agent.stop();
      await prometheus.stop();
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const arg = (name) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const standIn = await startStandIn({ port: Number(arg("port") ?? 0), interval: arg("interval") });
  console.log(`Grafana Cloud stand-in: OTLP metrics -> ${standIn.otlpMetricsUrl}; PromQL ${standIn.url}/api/v1/query; alerts ${standIn.links.alerts}; graph ${standIn.links.graph}`);
  const stop = () => standIn.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
