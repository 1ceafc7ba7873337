import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ERROR_RATE, MIGRATION, WRITE_RATE_TRIGGER } from "../../catalog/index.ts";
import type { CapacityReport } from "../capacity/report.ts";
import { runCli } from "../test/capture.ts";
import { CloudflareStandIn } from "../test/cloudflare-stand-in.ts";
import { BASIC_AUTH, startBackfilledPrometheus, type Traffic } from "../test/prometheus-backfill.ts";
import { fetchWorkerSignals, instantQuery } from "./prometheus.ts";

// 80% of writes within 25 ms, 20% in (50 ms, 75 ms]: p95 interpolates to 50 + 0.75 x 25 = 68.75 ms.
const TRAFFIC: Traffic = {
  writesPerSecond: 600,
  writeLatency: [{ le: 0.025, fraction: 0.8 }, { le: 0.05, fraction: 0 }, { le: 0.075, fraction: 0.2 }],
  requestsPerSecond: 2000, errorRatio: 0.02, rowsReadPerRequest: 3, rowsWrittenPerRequest: 0.25, hours: 3,
};

let prom: { url: string; stop: () => Promise<void> };
beforeAll(async () => {
  // Behind basic auth, as Grafana Cloud's Prometheus endpoint is.
  prom = await startBackfilledPrometheus(TRAFFIC, { basicAuth: true });
});
afterAll(async () => prom?.stop());
const AUTH_ENV = { PROMETHEUS_USER: BASIC_AUTH.user, PROMETHEUS_PASSWORD: BASIC_AUTH.password };
const auth = { user: BASIC_AUTH.user, password: BASIC_AUTH.password };

describe("Prometheus source against a real Prometheus with backfilled Worker metrics", () => {
  it("reads write p95, peak write rate and error rate with the catalog's metric names", async () => {
    const s = await fetchWorkerSignals({ url: prom.url, ...auth });
    expect(s.writeP95Seconds).toBeCloseTo(0.06875, 4);
    expect(s.writesPerSecond).toBeCloseTo(TRAFFIC.writesPerSecond, 0);
    expect(s.errorRate).toBeCloseTo(TRAFFIC.errorRatio, 3);
    expect(await instantQuery({ url: prom.url, ...auth }, "absent_metric_xyz")).toBeNull();
  });

  it("feeds the capacity triggers (all three warn) and measured per-request usage into cost", async () => {
    const cf = await new CloudflareStandIn("t", "a".repeat(32), [{ uuid: "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", name: "moltsecret", file_size: 1e9, num_tables: 2 }]).start();
    try {
      const env = { CLOUDFLARE_API_TOKEN: "t", CLOUDFLARE_ACCOUNT_ID: "a".repeat(32), CLOUDFLARE_API_BASE_URL: cf.baseUrl, ...AUTH_ENV };
      const { code, stdout } = await runCli(["capacity", "--json", "--database", "moltsecret", "--prometheus-url", prom.url], env);
      expect(code).toBe(1);
      const r = JSON.parse(stdout) as CapacityReport;
      const t = Object.fromEntries(r.triggers.map((x) => [x.id, x]));
      expect(t.write_latency_p95).toMatchObject({ status: "warning", warning: MIGRATION.writeLatencyP95.value });
      expect(t.write_rate).toMatchObject({ status: "warning", warning: WRITE_RATE_TRIGGER.warning.value });
      expect(t.error_rate).toMatchObject({ status: "warning", warning: ERROR_RATE.warning.value });
    } finally {
      await cf.stop();
    }
    const cost = await runCli(["cost", "--requests", "10M", "--json", "--prometheus-url", prom.url], AUTH_ENV);
    expect(cost.code).toBe(0);
    const j = JSON.parse(cost.stdout);
    expect(j.perRequest.provenance.d1RowsRead).toBe("measured");
    expect(j.perRequest.values.d1RowsRead).toBeCloseTo(TRAFFIC.rowsReadPerRequest, 2);
    expect(j.perRequest.values.d1RowsWritten).toBeCloseTo(TRAFFIC.rowsWrittenPerRequest, 2);
    expect(j.perRequest.provenance.kvWrites).toBe("default");
  });

  it("missing or wrong credentials are UNKNOWN with a hint, and the password is never printed", async () => {
    const none = await runCli(["cost", "--prometheus-url", prom.url]);
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/^moltsecret: Prometheus refused the credentials \(HTTP 401\)\nhint: set PROMETHEUS_USER and PROMETHEUS_PASSWORD/);
    const wrong = await runCli(["cost", "--prometheus-url", prom.url], { PROMETHEUS_USER: BASIC_AUTH.user, PROMETHEUS_PASSWORD: "wrong-pw-123" });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).not.toContain("wrong-pw-123");
  });

  it("an unreachable Prometheus is UNKNOWN", async () => {
    const { code, stderr } = await runCli(["cost", "--prometheus-url", "http://127.0.0.1:9"]);
    expect(code).toBe(3);
    expect(stderr).toMatch(/^moltsecret: Prometheus unreachable at http:\/\/127.0.0.1:9/);
  });
});
