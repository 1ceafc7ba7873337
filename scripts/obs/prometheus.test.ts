import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BYTES_PER_GB, D1_SIZE, METRICS, promName } from "../../catalog/index.ts";
import { eventually } from "../../test/pipeline/harness.ts";
// @ts-expect-error plain ESM script without types
import { startVictoriaMetrics } from "./victoria-metrics.mjs";
// @ts-expect-error plain ESM script without types
import { startPrometheus } from "./prometheus.mjs";

interface Alert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
}
let vm: { url: string; stop(): Promise<void> };
let prom: { url: string; alerts(): Promise<Alert[]>; query(q: string): Promise<unknown[]>; stop(): Promise<void> };
let feeding: NodeJS.Timeout;

beforeAll(async () => {
  vm = await startVictoriaMetrics();
  const size = promName(METRICS.d1DatabaseSize);
  // A D1 past the critical size, reported the way the Worker's gauge arrives (fresh samples keep federation current).
  const feed = () => fetch(`${vm.url}/api/v1/import/prometheus`, { method: "POST", body: `${size}{deployment_environment="local"} ${D1_SIZE.critical.value + 1} ${Date.now()}\n` });
  await feed();
  feeding = setInterval(() => void feed(), 1000);
  prom = await startPrometheus({ vmUrl: vm.url, interval: "2s" });
}, 60_000);

afterAll(async () => {
  clearInterval(feeding);
  await prom?.stop();
  await vm?.stop();
});

describe("scripts/obs/prometheus.mjs: local alert evaluation on the local VictoriaMetrics", () => {
  it("federates VM's series and evaluates the generated rules: the D1 size alerts go pending", async () => {
    let alerts: Alert[] = [];
    await eventually(async () => {
      alerts = await prom.alerts();
      return alerts.some((a) => a.labels.alertname === "MoltsecretD1SizeCritical");
    }, 45_000, 500);
    const critical = alerts.find((a) => a.labels.alertname === "MoltsecretD1SizeCritical");
    expect(critical).toMatchObject({ state: "pending", labels: { severity: "critical", deployment_environment: "local" } });
    const gb = D1_SIZE.critical.value / BYTES_PER_GB;
    expect(critical?.annotations.summary).toBe(`D1 database size is ${gb}GB, above the ${gb} GB critical threshold`);
    expect(alerts.some((a) => a.labels.alertname === "MoltsecretD1SizeWarning")).toBe(true);
    expect(alerts.some((a) => a.labels.alertname === "MoltsecretErrorRateWarning")).toBe(false);
    expect(await prom.query("moltsecret:d1_database_size_bytes:max")).toHaveLength(1);
  });
});
