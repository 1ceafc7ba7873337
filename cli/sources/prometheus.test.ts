import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ERROR_RATE, MIGRATION, WRITE_RATE_TRIGGER } from "../../catalog/index.ts";
import type { CapacityReport } from "../capacity/report.ts";
import { runCli } from "../test/capture.ts";
import { CloudflareStandIn } from "../test/cloudflare-stand-in.ts";
import { alertQuantity } from "../test/generated-rules.ts";
import { BASIC_AUTH, ENV, startBackfilledPrometheus, type Traffic } from "../test/prometheus-backfill.ts";
import { instantQuery, instantVector } from "./prometheus.ts";
import { fetchCapacitySignals } from "./prometheus-signals.ts";

const HORIZON_DAYS = MIGRATION.projectionHorizon.value;
// 80% of writes within 25 ms, 20% in (50 ms, 75 ms]: p95 interpolates to 50 + 0.75 x 25 = 68.75 ms.
// 4.5 GB growing 40 MB/day: 5.7 GB in 30 days, past the 5 GB projection trigger.
const TRAFFIC: Traffic = {
  writesPerSecond: 600, readsPerSecond: 1800,
  writeLatency: [{ le: 0.025, fraction: 0.8 }, { le: 0.05, fraction: 0 }, { le: 0.075, fraction: 0.2 }],
  requestsPerSecond: 2000, errorRatio: 0.02, rowsReadPerRequest: 3, rowsWrittenPerRequest: 0.25, hours: 3,
  size: { endBytes: 4.5e9, bytesPerDay: 40e6 }, environment: "production",
};
// A healthy database on a failing service: fast, small, quiet, and 20% of requests answered 5xx.
const ONLY_ERRORS: Traffic = {
  writesPerSecond: 5, writeLatency: [{ le: 0.01, fraction: 1 }], requestsPerSecond: 100, errorRatio: 0.2,
  rowsReadPerRequest: 1, rowsWrittenPerRequest: 0.1, hours: 2, size: { endBytes: 50e6, bytesPerDay: 0 }, environment: "production",
};

let prom: { url: string; stop: () => Promise<void> };
let errorsProm: { url: string; stop: () => Promise<void> };
let cf: CloudflareStandIn;
const ACCOUNT = "a".repeat(32);
beforeAll(async () => {
  // Behind basic auth, as Grafana Cloud's Prometheus endpoint is.
  [prom, errorsProm, cf] = await Promise.all([
    startBackfilledPrometheus(TRAFFIC, { basicAuth: true }),
    startBackfilledPrometheus(ONLY_ERRORS),
    new CloudflareStandIn("t", ACCOUNT, [{ uuid: "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", name: "moltsecret", file_size: 4.5e9, num_tables: 2 }]).start(),
  ]);
});
afterAll(async () => Promise.all([prom?.stop(), errorsProm?.stop(), cf?.stop()]));
const AUTH_ENV = { PROMETHEUS_USER: BASIC_AUTH.user, PROMETHEUS_PASSWORD: BASIC_AUTH.password };
const auth = { user: BASIC_AUTH.user, password: BASIC_AUTH.password };
const cfEnv = () => ({ CLOUDFLARE_API_TOKEN: "t", CLOUDFLARE_ACCOUNT_ID: ACCOUNT, CLOUDFLARE_API_BASE_URL: cf.baseUrl });
/** A port nothing listens on: taken from the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}
const byId = (r: CapacityReport) => Object.fromEntries([...r.triggers, ...r.health.checks].map((x) => [x.id, x]));

describe("Prometheus source against a real Prometheus with backfilled Worker metrics", () => {
  it("reads write p95, peak write rate, error rate, size, the alert's projection and 24 h usage", async () => {
    const s = await fetchCapacitySignals({ url: prom.url, ...auth });
    expect(s.environment).toBe("production");
    expect(s.writeP95Seconds).toBeCloseTo(0.06875, 4);
    expect(s.writesPerSecond).toBeCloseTo(TRAFFIC.writesPerSecond, 0);
    expect(s.errorRate).toBeCloseTo(TRAFFIC.errorRatio, 3);
    expect(s.sizeBytes).toBe(4.5e9);
    // predict_linear on a straight line: the size in 30 days, to within the 30 s since the last sample.
    expect(s.projection!.projectedBytes / (4.5e9 + 40e6 * HORIZON_DAYS)).toBeCloseTo(1, 4);
    const hours = TRAFFIC.hours * 3600;
    expect(s.usage24h!.writeQueries / (600 * hours)).toBeCloseTo(1, 2);
    expect(s.usage24h!.readQueries / (1800 * hours)).toBeCloseTo(1, 2);
    expect(s.usage24h!.rowsRead / (2000 * 3 * hours)).toBeCloseTo(1, 2);
    expect(await instantQuery({ url: prom.url, ...auth }, "absent_metric_xyz")).toBeNull();
    // An environment Prometheus does not know has no figures.
    expect((await fetchCapacitySignals({ url: prom.url, ...auth }, "staging")).writeP95Seconds).toBeNull();
  });

  it("reads what the shipped alerts compare with their thresholds: their expressions, evaluated in the same Prometheus, give the CLI's figures", async () => {
    const s = await fetchCapacitySignals({ url: prom.url, ...auth });
    const alertValue = async (alert: string) => {
      const samples = await instantVector({ url: prom.url, ...auth }, alertQuantity(alert));
      return samples.find((x) => x.labels[ENV] === TRAFFIC.environment)!.value;
    };
    // Queried moments apart: predict_linear moves by the growth of those milliseconds.
    const same = (cli: number | null | undefined, alert: number) => expect((cli ?? NaN) / alert).toBeCloseTo(1, 6);
    // The Worker waits 68.75 ms at p95 while D1 executes within 5 ms: only the metric the alert uses gives the alert's answer.
    same(s.writeP95Seconds, await alertValue("MoltsecretMigrationWriteLatency"));
    same(s.projection?.projectedBytes, await alertValue("MoltsecretMigrationSizeProjection"));
    same(s.sizeBytes, await alertValue("MoltsecretMigrationD1Size"));
    same(s.errorRate, await alertValue("MoltsecretErrorRateWarning"));
  });

  it("feeds the migration triggers (latency, write rate, projection) and keeps the error rate in service health", async () => {
    const { code, stdout, stderr } = await runCli(["capacity", "--json", "--database", "moltsecret", "--prometheus-url", prom.url], { ...cfEnv(), ...AUTH_ENV });
    expect(code).toBe(1);
    const r = JSON.parse(stdout) as CapacityReport;
    const t = byId(r);
    expect(t.write_latency_p95).toMatchObject({ status: "warning", warning: MIGRATION.writeLatencyP95.value });
    expect(t.write_rate).toMatchObject({ status: "warning", warning: WRITE_RATE_TRIGGER.warning.value });
    expect(t.d1_size_projection).toMatchObject({ status: "warning", warning: MIGRATION.d1Size.value, unit: "bytes" });
    expect((t.d1_size_projection!.value as number) / 5.7e9).toBeCloseTo(1, 4);
    expect(r.projection).toMatchObject({ method: "predict_linear" });
    expect(r.projection!.bytesPerDay / 40e6).toBeCloseTo(1, 3);
    expect(r.health.checks.map((c) => c.id)).toEqual(["error_rate"]);
    expect(r.triggers.map((c) => c.id)).not.toContain("error_rate");
    expect(t.error_rate).toMatchObject({ status: "warning", warning: ERROR_RATE.warning.value });
    expect(r.verdicts).toEqual({ migration: "warning", health: "warning" });
    expect(r.prometheusUsage!.environment).toBe("production");
    expect(r.warnings).toEqual([]);
    expect(stderr).toMatch(/^CAPACITY WARNING: Write latency p95 68\.\d ms is above warning 50 ms; Peak write rate/);
    expect(stderr).not.toMatch(/Error rate/);

    const text = await runCli(["capacity", "--database", "moltsecret", "--prometheus-url", prom.url], { ...cfEnv(), ...AUTH_ENV });
    expect(text.stdout).toMatch(/^D1 24h \(Prometheus, production\)\s+19\.\d+M read \/ 6\.\d+M write queries; 64\.\d+M rows read, 5\.\d+M rows written$/m);
    expect(text.stdout).toMatch(/^D1 24h \(Cloudflare\)\s+0 read/m);
  });

  it("a CRITICAL error rate alone leaves the migration verdict OK: exit 0, health CRITICAL", async () => {
    const { code, stdout, stderr } = await runCli(["capacity", "--json", "--database", "moltsecret", "--prometheus-url", errorsProm.url], cfEnv());
    const r = JSON.parse(stdout) as CapacityReport;
    expect(byId(r).error_rate!.status).toBe("critical");
    expect(r.health.status).toBe("critical");
    expect(r.status).toBe("ok");
    expect(r.recommendation.migrate).toBe(false);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    // The size disagrees with Prometheus by 90x: said, not hidden.
    expect(r.warnings).toEqual([expect.stringMatching(/^Prometheus \(d1_database_size_bytes\) says 50 MB but the live size is 4\.5 GB \(90x apart\)/)]);
  });

  it("an unreachable Prometheus leaves a report of what was measured, its triggers UNKNOWN with the reason, exit 3", async () => {
    const down = `http://127.0.0.1:${await closedPort()}`;
    const json = await runCli(["capacity", "--json", "--database", "moltsecret", "--prometheus-url", down], cfEnv());
    expect(json.code).toBe(3);
    const r = JSON.parse(json.stdout) as CapacityReport;
    expect(r.status).toBe("unknown");
    expect(r.database.sizeBytes).toBe(4.5e9);
    const t = byId(r);
    expect(t.d1_size!.status).toBe("ok");
    for (const id of ["write_latency_p95", "error_rate"]) expect(t[id]).toMatchObject({ status: "unknown", message: expect.stringContaining(`Prometheus unreachable at ${down} (ECONNREFUSED)`) });
    expect(r.unmeasured).toEqual([expect.objectContaining({ source: "prometheus", affects: expect.arrayContaining(["write_latency_p95"]) })]);
    expect(json.stderr).toBe(`moltsecret: Prometheus unreachable at ${down} (ECONNREFUSED)\nhint: check --prometheus-url and that Prometheus is running\n`);
    const text = await runCli(["capacity", "--database", "moltsecret", "--prometheus-url", down], cfEnv());
    expect(text.code).toBe(3);
    expect(text.stdout.split("\n")[0]).toBe(
      `CAPACITY UNKNOWN: Prometheus unreachable at ${down} (ECONNREFUSED); no measured migration trigger fired (D1 size 4.5 GB) | ` +
      "d1_size=4500000000B;5000000000;8000000000;0;10000000000 d1_rows=U;250000000;400000000;0;500000000 write_latency_p95=U;0.05;;0; write_rate=U;500;800;0;1000 d1_size_projection=U;5000000000;;0;",
    );
    expect(text.stdout).toMatch(/^Not measured: Prometheus unreachable/m);
  });

  it("cost measures per-request usage and the storage from Prometheus", async () => {
    const cost = await runCli(["cost", "--requests", "10M", "--json", "--prometheus-url", prom.url], AUTH_ENV);
    expect(cost.code).toBe(0);
    const j = JSON.parse(cost.stdout);
    expect(j.perRequest.provenance.d1RowsRead).toBe("measured");
    expect(j.perRequest.values.d1RowsRead).toBeCloseTo(TRAFFIC.rowsReadPerRequest, 2);
    expect(j.perRequest.values.d1RowsWritten).toBeCloseTo(TRAFFIC.rowsWrittenPerRequest, 2);
    expect(j.perRequest.provenance.kvWrites).toBe("default");
    expect(j.storage).toEqual({ bytes: 4.5e9, source: "measured: Prometheus d1_database_size_bytes" });
    expect(j.estimate.storageBytes).toBe(4.5e9);
    const text = await runCli(["cost", "--requests", "10M", "--prometheus-url", prom.url], AUTH_ENV);
    // Measured averages print rounded, not as 16 digits.
    for (const m of text.stdout.matchAll(/^d1Rows\w+\s+(\S+)\s+measured/gm)) expect(m[1]!.replace(/^0\.|\./, "").length).toBeLessThanOrEqual(4);
    const given = await runCli(["cost", "--json", "--storage", "1B", "--prometheus-url", prom.url], AUTH_ENV);
    expect(JSON.parse(given.stdout).storage).toEqual({ bytes: 1e9, source: "given with --storage" });
  });

  it("missing or wrong credentials are UNKNOWN with a hint, and the password is never printed", async () => {
    const none = await runCli(["cost", "--prometheus-url", prom.url]);
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/^moltsecret: Prometheus refused the credentials \(HTTP 401\)\nhint: set PROMETHEUS_USER and PROMETHEUS_PASSWORD/);
    const wrong = await runCli(["cost", "--prometheus-url", prom.url], { PROMETHEUS_USER: BASIC_AUTH.user, PROMETHEUS_PASSWORD: "wrong-pw-123" });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).not.toContain("wrong-pw-123");
  });

  it("an unreachable Prometheus is UNKNOWN for cost", async () => {
    const down = `http://127.0.0.1:${await closedPort()}`;
    const { code, stderr } = await runCli(["cost", "--prometheus-url", down]);
    expect(code).toBe(3);
    expect(stderr).toContain(`moltsecret: Prometheus unreachable at ${down} (ECONNREFUSED)`);
  });
});
