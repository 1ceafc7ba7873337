// npm start sidecar: a local Prometheus evaluating the generated alert rules on the local VictoriaMetrics, so an
// operator can watch alerts go pending and firing (http://127.0.0.1:18800/alerts) while `npm run traffic` runs.
// Needs the telemetry sidecar's VictoriaMetrics: it runs after it (file order) and reads its URL from
// process.env.MOLTSECRET_VM_URL (set by that sidecar, or by you). Without it, npm start warns and goes on.
import { DEFAULT_PORT, startPrometheus } from "../obs/prometheus.mjs";
import { freePort } from "../obs/service.mjs";

async function portOrFree(port) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/-/ready`, { signal: AbortSignal.timeout(500) });
    await res.arrayBuffer();
    return freePort(); // something already listens there
  } catch {
    return port;
  }
}

export default {
  name: "prometheus (local alert evaluation)",
  async start() {
    const vmUrl = process.env.MOLTSECRET_VM_URL;
    if (!vmUrl) throw new Error("no local VictoriaMetrics (MOLTSECRET_VM_URL unset): alert evaluation is off");
    const prom = await startPrometheus({ vmUrl, port: await portOrFree(DEFAULT_PORT) });
    console.log(`[start] alert rules evaluated by Prometheus: ${prom.url}/alerts (API ${prom.url}/api/v1/alerts); drive them with npm run traffic -- --scenario errors|slow|growth`);
    return { url: prom.url, stop: () => prom.stop() };
  },
};
