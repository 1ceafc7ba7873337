// npm start sidecar: the Worker's telemetry without a cloud account. Starts a local VictoriaMetrics (metrics, PromQL)
// and the capturing OTLP receiver (prints one line per logs/traces batch, forwards /v1/metrics to VictoriaMetrics),
// then points the Worker's OTEL_EXPORTER_OTLP_ENDPOINT at the receiver. Sets MOLTSECRET_VM_URL for later sidecars.
// Off with MOLTSECRET_OBS=0; skipped when OTEL_EXPORTER_OTLP_ENDPOINT is already set (e.g. to Grafana Cloud).
import { join } from "node:path";
import { startOtlpReceiver } from "../obs/otlp-receiver.mjs";
import { freePort } from "../obs/service.mjs";
import { startVictoriaMetrics } from "../obs/victoria-metrics.mjs";

const VM_PORT = 18850;
const RECEIVER_PORT = 18851;
/** Local exports every 10 s: fast feedback while trying the API (production keeps OTel's 60 s default). */
const LOCAL_EXPORT_INTERVAL_MS = "10000";

async function portOrFree(port) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(500) });
    await res.arrayBuffer();
    return freePort();
  } catch {
    return port;
  }
}

export default {
  name: "telemetry (local VictoriaMetrics + OTLP receiver)",
  async start() {
    if (process.env.MOLTSECRET_OBS === "0") throw new Error("MOLTSECRET_OBS=0: local telemetry backends are off");
    if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT) throw new Error("OTEL_EXPORTER_OTLP_ENDPOINT is set: the Worker exports there instead");
    const root = join(import.meta.dirname, "..", "..");
    const vm = await startVictoriaMetrics({ port: await portOrFree(VM_PORT), dataDir: join(root, ".cache", "vm", "data") });
    let receiver;
    try {
      receiver = await startOtlpReceiver({ port: await portOrFree(RECEIVER_PORT), forwardMetricsTo: vm.url, print: true });
    } catch (error) {
      await vm.stop();
      throw error;
    }
    process.env.MOLTSECRET_VM_URL = vm.url;
    console.log(
      `[start] telemetry: metrics -> VictoriaMetrics ${vm.url} (UI ${vm.url}/vmui, PromQL ${vm.url}/api/v1/query?query=sum(http_server_request_duration_seconds_count)); ` +
        `logs and traces -> ${receiver.url} (one "otlp ..." line per batch below); export every ${Number(LOCAL_EXPORT_INTERVAL_MS) / 1000} s`,
    );
    return {
      vars: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_METRIC_EXPORT_INTERVAL: LOCAL_EXPORT_INTERVAL_MS, OTEL_TRACES_SAMPLER_ARG: "1", ENVIRONMENT: "local" },
      stop: async () => {
        await receiver.close();
        await vm.stop();
      },
    };
  },
};
