// npm start sidecar: the Worker's telemetry without a cloud account. The capturing OTLP receiver starts at once (the
// Worker's OTEL_EXPORTER_OTLP_ENDPOINT, one line per logs/traces batch); the Grafana Cloud stand-in (vmagent -> real
// Prometheus evaluating the alert rules, scripts/obs/stand-in.mjs) comes up beside the running API (bringUp(), once the
// API answers), downloading its binaries on first use with progress shown, and then receives the metrics.
// Off with MOLTSECRET_OBS=0; skipped when OTEL_EXPORTER_OTLP_ENDPOINT is already set (e.g. to Grafana Cloud).
// MOLTSECRET_PROMETHEUS_PORT: Prometheus' port (default 18800, a free one if that is taken; 0 = OS-assigned).
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { obsBinaries } from "../obs/binaries.mjs";
import { startOtlpReceiver } from "../obs/otlp-receiver.mjs";
import { startStandIn } from "../obs/stand-in.mjs";

export const DEFAULT_PROMETHEUS_PORT = 18800;
/** Where npm start leaves the stand-in's Prometheus URL for `npm run traffic` (removed when it stops). */
export const PROMETHEUS_URL_FILE = join(import.meta.dirname, "..", "..", ".cache", "start", "prometheus-url");
/** Local exports every 10 s: fast feedback while trying the API (production keeps OTel's 60 s default). */
const LOCAL_EXPORT_INTERVAL_MS = "10000";

async function portOrFree(port) {
  if (!port) return 0;
  try {
    const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(500) });
    await res.arrayBuffer();
    return 0; // something already listens there: let the OS pick
  } catch {
    return port;
  }
}

export default {
  name: "telemetry (OTLP receiver + Grafana Cloud stand-in: vmagent -> Prometheus with the alert rules)",
  async start({ say = (line) => console.log(`[start] ${line}`) } = {}) {
    if (process.env.MOLTSECRET_OBS === "0") throw new Error("MOLTSECRET_OBS=0: local telemetry backends are off");
    if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT) throw new Error("OTEL_EXPORTER_OTLP_ENDPOINT is set: the Worker exports there instead");
    const receiver = await startOtlpReceiver({ forwardMetricsTo: "pending", print: true });
    let standIn;
    let stopped = false;
    let ready = null;
    // Called by npm start once the API answers, so a first download never slows the API's own start.
    const bringUp = () => (ready ??= (async () => {
      await obsBinaries({ onProgress: (line) => say(`telemetry: ${line}`) });
      const requested = process.env.MOLTSECRET_PROMETHEUS_PORT;
      const port = await portOrFree(requested === undefined ? DEFAULT_PROMETHEUS_PORT : Number(requested));
      standIn = await startStandIn({ port });
      if (stopped) return standIn.stop();
      receiver.setForwardMetricsTo(standIn.agentUrl);
      mkdirSync(dirname(PROMETHEUS_URL_FILE), { recursive: true });
      writeFileSync(PROMETHEUS_URL_FILE, standIn.url);
      say(
        `telemetry: metrics -> Grafana Cloud stand-in (vmagent ${standIn.agentUrl} -> Prometheus ${standIn.url}), export every ${Number(LOCAL_EXPORT_INTERVAL_MS) / 1000} s\n` +
          `  graph:  ${standIn.links.graph}\n` +
          `  alerts: ${standIn.links.alerts} (drive them with npm run traffic -- --scenario errors|slow|growth)\n` +
          `  rules:  ${standIn.links.rules}\n` +
          `  CLI:    npx moltsecret capacity --prometheus-url ${standIn.url}\n` +
          `  logs and traces -> ${receiver.url} (one "otlp ..." line per batch below)`,
      );
      return { url: standIn.url, links: standIn.links };
    })());
    return {
      vars: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_METRIC_EXPORT_INTERVAL: LOCAL_EXPORT_INTERVAL_MS, OTEL_TRACES_SAMPLER_ARG: "1", ENVIRONMENT: "local" },
      bringUp,
      stop: async () => {
        stopped = true;
        await ready?.catch(() => undefined);
        await standIn?.stop();
        rmSync(PROMETHEUS_URL_FILE, { force: true });
        await receiver.close();
      },
    };
  },
};
