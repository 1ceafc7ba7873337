// vmagent as the OTLP gateway of the local Grafana Cloud stand-in: OTLP metrics in (POST /opentelemetry/v1/metrics,
// protobuf), named the way the OTLP-to-Prometheus translation names them (-opentelemetry.usePrometheusNaming), labelled
// the way Grafana Cloud's gateway labels them, and remote-written into the stand-in's Prometheus.
import { writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { obsBinaries } from "./binaries.mjs";
import { freePort, inRunDirectory, startService } from "./service.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * Grafana Cloud's defaults: job <- service.name, instance <- service.instance.id; resource attributes that are not
 * promoted (cloud.provider, cloud.platform, the deprecated deployment.environment, telemetry.sdk.*) are not labels.
 * deployment.environment.name, service.* and cloud.region are promoted and stay.
 */
export const GRAFANA_CLOUD_RELABELING = [
  { source_labels: ["service_name"], target_label: "job" },
  { source_labels: ["service_instance_id"], target_label: "instance" },
  { action: "labeldrop", regex: "cloud_provider|cloud_platform|deployment_environment|telemetry_sdk_.*" },
];

/** Starts vmagent forwarding to `remoteWriteUrl` (Prometheus' /api/v1/write). Its queue lives in a fresh directory, removed on stop. */
export async function startVmagent({ remoteWriteUrl, port, dataRoot = join(ROOT, ".cache", "vmagent"), inherit = false }) {
  const { vmagent } = await obsBinaries();
  const listenPort = port || (await freePort());
  return inRunDirectory(dataRoot, async (dir) => {
    writeFileSync(join(dir, "relabel.yml"), stringify(GRAFANA_CLOUD_RELABELING));
    const url = `http://127.0.0.1:${listenPort}`;
    const service = await startService({
      name: "vmagent",
      cmd: vmagent,
      args: [
        `-httpListenAddr=127.0.0.1:${listenPort}`,
        `-remoteWrite.url=${remoteWriteUrl}`,
        `-remoteWrite.relabelConfig=${join(dir, "relabel.yml")}`,
        `-remoteWrite.tmpDataPath=${join(dir, "queue")}`,
        "-remoteWrite.flushInterval=1s",
        // One queue keeps the order of what was received, so a marker sent last arrives last (see stand-in flush()).
        "-remoteWrite.queues=1",
        "-opentelemetry.usePrometheusNaming",
        "-loggerLevel=WARN",
      ],
      readyUrl: `${url}/health`,
      timeoutMs: 20_000,
      inherit,
    });
    return {
      url,
      pid: service.pid,
      otlpMetricsUrl: `${url}/opentelemetry/v1/metrics`,
      /** Prometheus text format in (samples with explicit timestamps), forwarded like OTLP metrics. */
      importUrl: `${url}/api/v1/import/prometheus`,
      stop: service.stop,
    };
  });
}
