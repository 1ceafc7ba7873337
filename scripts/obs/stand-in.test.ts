import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ATTR, BYTES_PER_GB, D1_SIZE, METRICS, promLabel, promName } from "../../catalog/index.ts";
import { pollUntil } from "../lib/poll.mjs";
import { groupAlive, stopAllServices } from "./service.mjs";
import { startStandIn } from "./stand-in.mjs";

interface Alert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
}
interface StandIn {
  url: string;
  importUrl: string;
  pids: number[];
  links: Record<string, string>;
  flush(): Promise<void>;
  alerts(): Promise<Alert[]>;
  query(q: string, time?: number): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  stop(): Promise<void>;
}
let standIn: StandIn;
let feeding: NodeJS.Timeout;
const ENV = promLabel(ATTR.environment);
const SIZE = promName(METRICS.d1DatabaseSize);
// Resource attributes as vmagent's OTLP ingestion names them, before Grafana Cloud's labelling.
const RESOURCE = `service_name="moltsecret-api",service_instance_id="isolate-1",${ENV}="local",deployment_environment="local",cloud_provider="cloudflare",cloud_platform="cloudflare_workers",telemetry_sdk_name="opentelemetry"`;

beforeAll(async () => {
  standIn = await startStandIn({ interval: "2s" });
  // A D1 past the critical size, reported every second as the Worker's gauge would be.
  const feed = () => fetch(standIn.importUrl, { method: "POST", body: `${SIZE}{${RESOURCE}} ${D1_SIZE.critical.value + 1}\n` }).then((r) => r.arrayBuffer());
  await feed();
  feeding = setInterval(() => void feed(), 1000);
}, 60_000);

afterAll(async () => {
  clearInterval(feeding);
  await stopAllServices();
});

describe("scripts/obs/stand-in.mjs: vmagent -> real Prometheus, labelled as Grafana Cloud labels OTLP", () => {
  it("maps service.name to job and service.instance.id to instance, and keeps only promoted resource attributes", async () => {
    await standIn.flush();
    const [series] = await standIn.query(SIZE);
    expect(series?.metric).toEqual({ __name__: SIZE, job: "moltsecret-api", instance: "isolate-1", service_name: "moltsecret-api", service_instance_id: "isolate-1", [ENV]: "local" });
  });

  it("never counts a new series' first sample in increase(), as Prometheus and Grafana Cloud do not", async () => {
    const t = Math.floor(Date.now() / 1000) - 30;
    const counter = `moltsecret_standin_probe_total{${RESOURCE}}`;
    await fetch(standIn.importUrl, { method: "POST", body: `${counter} 1 ${t * 1000}\n${counter} 1 ${(t + 10) * 1000}\n${counter} 1 ${(t + 20) * 1000}\n` });
    await standIn.flush();
    expect(Number((await standIn.query("sum(increase(moltsecret_standin_probe_total[1m]))", t + 25))[0]?.value[1])).toBe(0);
  });

  it("evaluates the generated rules: the D1 size alerts go pending, labelled with the environment", async () => {
    let alerts: Alert[] = [];
    await pollUntil(async () => {
      alerts = await standIn.alerts();
      return alerts.some((a) => a.labels.alertname === "MoltsecretD1SizeCritical");
    }, { timeoutMs: 45_000, everyMs: 500 });
    const critical = alerts.find((a) => a.labels.alertname === "MoltsecretD1SizeCritical");
    expect(critical).toMatchObject({ state: "pending", labels: { severity: "critical", [ENV]: "local" } });
    const gb = D1_SIZE.critical.value / BYTES_PER_GB;
    expect(critical?.annotations.summary).toBe(`D1 database size is ${gb}GB, above the ${gb} GB critical threshold`);
    expect(alerts.some((a) => a.labels.alertname === "MoltsecretD1SizeWarning")).toBe(true);
    expect(alerts.some((a) => a.labels.alertname === "MoltsecretErrorRateWarning")).toBe(false);
    expect(await standIn.query("moltsecret:d1_database_size_bytes:max")).toHaveLength(1);
  });

  it("serves every UI page it links to (Debian's Prometheus: /classic/...)", async () => {
    expect(Object.keys(standIn.links).sort()).toEqual(["alerts", "graph", "rules"]);
    for (const link of Object.values(standIn.links)) {
      const res = await fetch(link);
      expect(res.status, link).toBe(200);
      expect(await res.text(), link).toContain("<html");
    }
    expect(await (await fetch(standIn.links.alerts!)).text()).toContain("MoltsecretD1SizeCritical");
  });

  it("stops both processes as whole groups", async () => {
    const other = (await startStandIn()) as StandIn;
    expect(other.pids.every((pid) => groupAlive(pid))).toBe(true);
    await other.stop();
    expect(other.pids.filter((pid) => groupAlive(pid))).toEqual([]);
  });
});
