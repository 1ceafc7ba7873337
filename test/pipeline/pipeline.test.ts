import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ATTR, HTTP_DURATION_BUCKETS, METRICS, QUANTILES, promLabel, promName } from "../../catalog/index.ts";
import { README } from "../../scripts/obs/metrics-reference.ts";
import { readMetricsReference } from "../../scripts/obs/readme-metrics-table.ts";
import { describeMetrics, type MetricDescriptor } from "../../otlp/test/otlp-metrics-decode.ts";
import { driveMix, newDrive, send, type Drive } from "./drive.ts";
import { eventually, startPipeline, stopPipelines, type Pipeline } from "./harness.ts";

const DURATION = promName(METRICS.httpServerDuration);
const env = `${promLabel(ATTR.environment)}="pipeline-test"`;
const INTERVAL_MS = 1000;
const num = (samples: Array<{ value: [number, string] }>) => Number(samples[0]?.value[1] ?? NaN);

let p: Pipeline;

/** The Worker's own console output; wrangler dev's access log ("[wrangler:info] GET /path") is the dev server's, not the Worker's. */
const workerLines = () => p.consoleLines().filter((l) => !l.startsWith("[wrangler:"));
let drive: Drive;

/** Sends /healthz until the stand-in holds exactly as many requests as were sent (each export is cumulative). */
async function settle(): Promise<void> {
  await eventually(async () => {
    await (await send(drive, p.workerUrl, "GET", "/healthz", "/healthz")).arrayBuffer();
    await new Promise((r) => setTimeout(r, 1200));
    await (await send(drive, p.workerUrl, "GET", "/healthz", "/healthz")).arrayBuffer();
    // The last request triggered a flush that includes itself; wait for it to land.
    const expected = drive.total;
    try {
      await eventually(async () => num(await p.query(`sum(${DURATION}_count{${env}})`)) === expected, 5_000);
      return true;
    } catch {
      return false;
    }
  }, 60_000, 0);
}

beforeAll(async () => {
  p = await startPipeline({ exportIntervalMs: INTERVAL_MS,  vars: { RATE_LIMIT_CREATE_PER_MINUTE: "0", RATE_LIMIT_REVEAL_PER_MINUTE: "0", RATE_LIMIT_READ_PER_MINUTE: "0", FLEET_CREATES_PER_MINUTE: "0", FLEET_CREATE_BYTES_PER_MINUTE: "0" } });
  drive = newDrive(p.probes);
  await driveMix(drive, p.workerUrl);
  // The cron purge, as wrangler dev triggers it locally (not a fetch: not counted as a request).
  const cron = await fetch(`${p.workerUrl}/cdn-cgi/handler/scheduled`);
  await cron.arrayBuffer();
  expect(cron.status).toBe(200);
  await settle();
}, 180_000);

afterAll(stopPipelines);

describe("pipeline: real Worker -> OTLP -> Grafana Cloud stand-in (vmagent -> real Prometheus)", () => {
  it("stores request counts per route and status exactly as sent", async () => {
    const rows = await p.query(`sum by (${promLabel(ATTR.method)}, ${promLabel(ATTR.route)}, ${promLabel(ATTR.status)}) (${DURATION}_count{${env}})`);
    const stored = new Map(rows.map((r) => [`${r.metric[promLabel(ATTR.method)]} ${r.metric[promLabel(ATTR.route)]} ${r.metric[promLabel(ATTR.status)]}`, Number(r.value[1])]));
    expect(Object.fromEntries(stored)).toEqual(Object.fromEntries(drive.sent));
    expect([...drive.sent.keys()]).toEqual(expect.arrayContaining(["POST /api/secrets 201", "POST /api/secrets 400", "GET /api/secrets/:id 200", "GET /api/secrets/:id 404", "POST /api/secrets/:id/reveal 200", "POST /api/secrets/:id/reveal 404", "DELETE /api/secrets/:id 204", "GET (unmatched) 404"]));
  });

  it("stores the names promName() predicts for every kind of instrument", async () => {
    for (const def of [METRICS.httpServerDuration, METRICS.d1DatabaseSize, METRICS.d1RowsRead, METRICS.d1Queries, METRICS.secretsCreated, METRICS.telemetryExports, METRICS.d1ClientDuration]) {
      const name = def.kind === "histogram" ? `${promName(def)}_count` : promName(def);
      const stored = async () => (await p.query(`count(${name}{${env}})`)).length;
      // A counter the flush itself records (exports) appears one export later: give it a few export cycles.
      await eventually(async () => (await stored()) === 1 || (await settle(), false), 30_000, 0).catch(() => undefined);
      expect(await stored(), name).toBe(1);
    }
  });

  it("counts business events where the routes do them", async () => {
    const count = async (def: (typeof METRICS)[keyof typeof METRICS]) => num(await p.query(`sum(${promName(def)}{${env}})`));
    expect(await count(METRICS.secretsCreated)).toBe(drive.sent.get("POST /api/secrets 201"));
    expect(await count(METRICS.secretsRevealed)).toBe(drive.sent.get("POST /api/secrets/:id/reveal 200"));
    // maxViews=1: every reveal burns; plus every delete.
    const burned = (drive.sent.get("POST /api/secrets/:id/reveal 200") ?? 0) + (drive.sent.get("DELETE /api/secrets/:id 204") ?? 0);
    expect(await count(METRICS.secretsBurned)).toBe(burned);
    // The purge removed exactly the burned rows (nothing had expired yet).
    expect(await count(METRICS.secretsPurged)).toBe(burned);
  });

  it("puts the p95 from the histogram in the bucket that holds the 95th percentile of the Worker's own durations", async () => {
    await eventually(async () => workerLines().filter((l) => l.includes('"http.server.request.duration_ms"')).length >= drive.total, 10_000);
    const durations = workerLines()
      .filter((l) => l.includes('"http.server.request.duration_ms"'))
      .map((l) => JSON.parse(l.slice(l.indexOf("{"))) as Record<string, number>)
      .map((r) => r["http.server.request.duration_ms"]! / 1000)
      .sort((a, b) => a - b);
    expect(durations.length).toBe(drive.total);
    const rank = Math.ceil(QUANTILES.p95.value * durations.length) - 1;
    const truth = durations[rank]!;
    const upper = HTTP_DURATION_BUCKETS.find((b) => truth <= b) ?? Infinity;
    const lower = [...HTTP_DURATION_BUCKETS].reverse().find((b) => b < truth) ?? 0;
    const p95 = num(await p.query(`histogram_quantile(${QUANTILES.p95.value}, sum by (le) (${DURATION}_bucket{${env}}))`));
    expect(p95).toBeGreaterThanOrEqual(lower);
    expect(p95).toBeLessThanOrEqual(upper);
  });

  it("reports the D1 size gauge equal to the size of D1's database file", async () => {
    const size = num(await p.query(`max(${promName(METRICS.d1DatabaseSize)}{${env}})`));
    expect(size).toBe(await p.d1SizeBytes());
  });

  it("never exports or logs a secret id, ciphertext, delete token or client IP", () => {
    expect(drive.sensitive.size).toBeGreaterThan(100);
    const exported = p.batches.map((b) => b.body.toString("latin1")).join("\n");
    const logged = workerLines().join("\n");
    expect(exported.length).toBeGreaterThan(10_000);
    expect([...drive.sensitive].filter((s) => exported.includes(s))).toEqual([]);
    expect([...drive.sensitive].filter((s) => logged.includes(s))).toEqual([]);
    expect(new Set(p.batches.map((b) => b.signal))).toEqual(new Set(["metrics", "logs", "traces"]));
  });

  it("counts the view counter's write-behind flushes in the D1 metrics: fewer write statements than views", async () => {
    const VIEWS = 40;
    // Statements are told apart by the duration histograms' statement attribute (the counters carry only read/write).
    const addViews = `${promName(METRICS.d1ClientDuration)}_count{${promLabel(ATTR.d1Statement)}="secrets.add_views", ${env}}`;
    const rowsWritten = `${promName(METRICS.d1RowsWritten)}{${env}}`;
    const flushes = async () => num(await p.query(`sum(${addViews})`)) || 0;
    const before = await flushes();
    const created = await send(drive, p.workerUrl, "POST", "/api/secrets", "/api/secrets", { body: { ciphertext: "writeBehindCiphertext", ttlSeconds: 3600, maxViews: null } });
    const { id } = (await created.json()) as { id: string };
    drive.sensitive.add(id);
    await settle();
    const rowsBefore = num(await p.query(`sum(${rowsWritten})`));
    for (let i = 0; i < VIEWS; i++) {
      const res = await send(drive, p.workerUrl, "POST", "/api/secrets/:id/reveal", `/api/secrets/${id}/reveal`);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    // The counter's alarm runs ~100 ms after the last view, later on a loaded machine: export until its flush shows.
    await eventually(async () => {
      await settle();
      return (await flushes()) > before;
    }, 60_000, 0).catch(() => undefined);
    await settle();
    const statements = (await flushes()) - before;
    expect(before).toBe(0);
    expect(statements).toBeGreaterThanOrEqual(1);
    expect(statements).toBeLessThan(VIEWS);
    // Reveals of an unlimited-view secret write nothing else to D1: every flush updated exactly its one row.
    expect(num(await p.query(`sum(${rowsWritten})`)) - rowsBefore).toBe(statements);
  });

  it("names in the README's metrics reference every metric the Worker exported, with its type, unit, labels, buckets and the names Prometheus stored", async () => {
    const reference = readMetricsReference(readFileSync(README, "utf8"));
    const exported = new Map<string, MetricDescriptor>();
    for (const batch of p.batches.filter((b) => b.signal === "metrics" && b.items > 0)) {
      for (const d of describeMetrics(batch.body)) {
        const seen = exported.get(d.name);
        exported.set(d.name, { ...d, attributeKeys: [...new Set([...(seen?.attributeKeys ?? []), ...d.attributeKeys])].sort() });
      }
    }
    const stored = new Set((await p.query(`group by (__name__) ({${env}})`)).map((s) => s.metric.__name__!));
    // How Prometheus types what OTLP sends: a non-monotonic sum is a gauge.
    const promType: Record<MetricDescriptor["kind"], string> = { counter: "counter", updowncounter: "gauge (up-down)", gauge: "gauge", histogram: "histogram", exponential_histogram: "native histogram", summary: "summary" };
    expect(exported.size).toBeGreaterThanOrEqual(15);
    for (const [name, d] of exported) {
      const row = reference.get(name);
      expect(row, `${name} is exported but not in the README's metrics reference`).toBeDefined();
      expect(row!.stored.length, name).toBeGreaterThanOrEqual(1);
      expect({ type: row!.type, unit: row!.unit }, name).toEqual({ type: promType[d.kind], unit: d.unit });
      expect(row!.labels, name).toEqual(expect.arrayContaining(d.attributeKeys.map((k) => k.replace(/\./g, "_"))));
      expect(row!.buckets, name).toEqual(d.bounds ?? null);
      expect(row!.stored.filter((n) => !stored.has(n)), `${name}: names the reference gives that Prometheus did not store (it stored: ${[...stored].filter((n) => n.startsWith(row!.stored[0]!.split("_")[0]!)).join(", ")})`).toEqual([]);
    }
  });

  it("sends at most one logs, one traces and one metrics POST per interval; with no traffic the aggregator still exports and the isolate sends nothing", async () => {
    const logs = p.batches.filter((b) => b.signal === "logs");
    expect(logs.reduce((n, b) => n + b.items, 0)).toBe(drive.total);
    expect(logs.length).toBeLessThan(drive.total / 5);
    // Counted over the whole run rather than gap by gap: a slow POST followed by a fast one may arrive closer together
    // than their flushes started; 500 ms of such jitter is allowed over the run.
    for (const signal of ["metrics", "logs", "traces"] as const) {
      const at = p.batches.filter((b) => b.signal === signal).map((b) => b.at);
      expect(at.length, signal).toBeGreaterThan(2);
      expect(at.length, `${signal}: ${at.length} POSTs in ${at.at(-1)! - at[0]!} ms`).toBeLessThanOrEqual(Math.floor((at.at(-1)! - at[0]! + 500) / INTERVAL_MS) + 1);
    }
    // The last request's flush may still be on its way: idle starts one interval after the last batch of the isolate.
    const isolateSignals = () => p.batches.filter((b) => b.signal !== "metrics");
    const idleFrom = Math.max(Date.now(), isolateSignals().at(-1)!.at + INTERVAL_MS);
    await eventually(async () => p.batches.filter((b) => b.signal === "metrics" && b.at > idleFrom).length >= 3, 30_000);
    expect(isolateSignals().filter((b) => b.at > idleFrom)).toEqual([]);
    const metrics = p.batches.filter((b) => b.signal === "metrics");
    console.log(
      `pipeline: ${drive.total} requests, ${metrics.length} metric exports (${Math.round(metrics.reduce((n, b) => n + b.bytes, 0) / metrics.length)} B avg), ` +
        `${logs.length} log batches (${Math.round(logs.reduce((n, b) => n + b.bytes, 0) / logs.length)} B avg), ${p.batches.filter((b) => b.signal === "traces").length} trace batches`,
    );
  });
});
