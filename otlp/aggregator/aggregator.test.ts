import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ATTR, HTTP_DURATION_BUCKETS, METRICS } from "../../catalog/index.ts";
import { parseTelemetryConfig } from "../config.ts";
import { Meter } from "../instruments.ts";
import { aggregatorStub, aggregators, exportFleet, flaky } from "../test/fleet.ts";
import { base64Bytes, decodeMetricsRequest } from "../test/otlp-metrics-decode.ts";
import { captured } from "../test/receiver.ts";
import { received, throttle, throttlingBackendUrl } from "../test/throttling-backend.ts";
import { telemetryEnv } from "../test/telemetry-env.ts";
import type { TelemetryAggregator } from "./aggregator-object.ts";
import { FleetHandoff } from "./handoff-client.ts";
import type { Handoff, HistogramValue } from "./points.ts";

const config = parseTelemetryConfig(telemetryEnv({ OTEL_SERVICE_NAME: "fleet-test" }))!;
const route = (r: string) => ({ [ATTR.method]: "GET", [ATTR.route]: r, [ATTR.status]: 200, [ATTR.region]: "eu", [ATTR.operationKind]: "read" });

/** One isolate as the Worker has it: its own Meter and its hand-off state. */
function isolate(prefix: string, shards = 1) {
  const meter = new Meter();
  const instruments = meter.instruments;
  const fleet = new FleetHandoff("fleet-test", "test", shards, (s) => `${prefix}-${s}`);
  return {
    instruments,
    fleet,
    handOff: async (ns: DurableObjectNamespace<TelemetryAggregator> = aggregators()) => fleet.handOff(ns, meter.collect().resourceMetrics),
  };
}

type Series = ReturnType<TelemetryAggregator["snapshot"]>["series"][number];
const snapshot = (name: string) => runInDurableObject(aggregatorStub(name), (a: TelemetryAggregator) => a.snapshot());
const find = (series: Series[], metric: string, attrs: Record<string, unknown> = {}) =>
  series.filter((s) => s.metric === metric && Object.entries(attrs).every(([k, v]) => s.attributes[k] === v));
const total = (series: Series[]) => series.reduce((n, s) => n + (typeof s.value === "number" ? s.value : s.value.count), 0);

describe("TelemetryAggregator in workerd", () => {
  it("applies a hand-off once: a replayed (isolate, seq) is acknowledged and changes nothing", async () => {
    const stub = aggregatorStub("idem-0");
    const batch: Handoff = { isolate: "iso-1", seq: 1, service: "fleet-test", environment: "test", time: Date.now(), points: [{ metric: "secretsCreated", attributes: {}, value: 3 }] };
    expect(await stub.handoff(batch)).toEqual({ applied: true });
    expect(await stub.handoff(batch)).toEqual({ applied: false });
    expect(await stub.handoff({ ...batch, points: [{ metric: "secretsCreated", attributes: {}, value: 100 }] })).toEqual({ applied: false });
    expect(total(find((await snapshot("idem-0")).series, "secretsCreated"))).toBe(3);
    expect(await stub.handoff({ ...batch, seq: 2, points: [{ metric: "secretsCreated", attributes: {}, value: 4 }] })).toEqual({ applied: true });
    expect(total(find((await snapshot("idem-0")).series, "secretsCreated"))).toBe(7);
  });

  it("merges 50 concurrent isolates' deltas into exact counter sums and bucket counts, over three intervals", async () => {
    const isolates = Array.from({ length: 50 }, () => isolate("fifty"));
    const expectedCounts = new Array(HTTP_DURATION_BUCKETS.length + 1).fill(0);
    let created = 0;
    for (let round = 0; round < 3; round++) {
      isolates.forEach((iso, i) => {
        for (let k = 0; k <= (i + round) % 7; k++) {
          const seconds = ((i * 7 + k * 13 + round) % 40) / 100;
          iso.instruments.httpServerDuration.record(seconds, route("/api/secrets/:id"));
          const bucket = HTTP_DURATION_BUCKETS.findIndex((b) => seconds <= b);
          expectedCounts[bucket === -1 ? HTTP_DURATION_BUCKETS.length : bucket]++;
        }
        iso.instruments.secretsCreated.add(i + 1);
        created += i + 1;
      });
      const reports = await Promise.all(isolates.map((iso) => iso.handOff()));
      expect(reports.every((r) => r.ok)).toBe(true);
    }
    const { series, isolates: seen } = await snapshot("fifty-0");
    // Billing: one SQLite row written per hand-off, whatever the number of series in it.
    expect(await runInDurableObject(aggregatorStub("fifty-0"), (a: TelemetryAggregator) => a.rowsWritten())).toBe(150);
    expect(seen).toHaveLength(50);
    expect(total(find(series, "secretsCreated"))).toBe(created);
    const [duration] = find(series, "httpServerDuration");
    expect((duration!.value as HistogramValue).counts).toEqual(expectedCounts);
    expect((duration!.value as HistogramValue).count).toBe(expectedCounts.reduce((a, b) => a + b, 0));
  });

  it("keeps the cumulative totals across a restart (a new object instance over the same storage)", async () => {
    const iso = isolate("restart");
    iso.instruments.secretsRevealed.add(5);
    iso.instruments.httpServerDuration.record(0.02, route("/healthz"));
    await iso.handOff();
    // Compacted once (the alarm), then more hand-offs only in the log: both must survive.
    await runDurableObjectAlarm(aggregatorStub("restart-0"));
    iso.instruments.secretsRevealed.add(2);
    await iso.handOff();
    await runInDurableObject(aggregatorStub("restart-0"), (agg: TelemetryAggregator & { marker?: boolean }) => void (agg.marker = true));
    await abortAllDurableObjects();
    const fresh = await runInDurableObject(aggregatorStub("restart-0"), (agg: TelemetryAggregator & { marker?: boolean }) => agg.marker);
    expect(fresh).toBeUndefined();
    const { series } = await snapshot("restart-0");
    expect(total(find(series, "secretsRevealed"))).toBe(7);
    expect(total(find(series, "httpServerDuration"))).toBe(1);
    iso.instruments.secretsRevealed.add(1);
    expect((await iso.handOff()).ok).toBe(true);
    expect(total(find((await snapshot("restart-0")).series, "secretsRevealed"))).toBe(8);
  });

  it("keeps memory bounded while the aggregator is down or hangs, and counts nothing twice when it returns", async () => {
    const mode: { now: "up" | "down" | "hang" | "lost-ack" } = { now: "up" };
    const ns = flaky(mode);
    const iso = isolate("outage");
    let sent = 0;
    const traffic = () => {
      for (const r of ["/a", "/b", "/c"]) iso.instruments.httpServerDuration.record(0.01, route(r));
      iso.instruments.secretsCreated.add(2);
      sent += 3;
    };
    traffic();
    expect((await iso.handOff(ns)).ok).toBe(true);
    const pendingSizes: number[] = [];
    for (const m of ["down", "lost-ack", "down", "lost-ack", "down"] as const) {
      mode.now = m;
      for (let i = 0; i < 4; i++) {
        traffic();
        expect((await iso.handOff(ns)).ok).toBe(false);
        pendingSizes.push(iso.fleet.pendingPoints);
      }
    }
    mode.now = "hang";
    traffic();
    const started = Date.now();
    expect((await iso.handOff(ns)).ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(5_000);
    // One in-flight batch of at most one point per series (3 routes + the counter), however long the outage.
    expect(Math.max(...pendingSizes)).toBeLessThanOrEqual(4);
    expect(iso.fleet.ackedSeries).toBe(4);
    mode.now = "up";
    traffic();
    // The retried batch (possibly applied already: a lost ack) first, then everything recorded since.
    await iso.handOff(ns);
    expect((await iso.handOff(ns)).ok).toBe(true);
    expect(iso.fleet.pendingPoints).toBe(0);
    const { series } = await snapshot("outage-0");
    expect(total(find(series, "httpServerDuration"))).toBe(sent);
    expect(total(find(series, "secretsCreated"))).toBe((sent / 3) * 2);
  });

  it("exports one instance per shard, never per isolate, and a new series first at zero", async () => {
    const isolates = Array.from({ length: 10 }, () => isolate("shards", 2));
    for (const [i, iso] of isolates.entries()) {
      for (const r of ["/api/secrets", "/api/secrets/:id", "/api/secrets/:id/reveal", "/healthz"]) iso.instruments.httpServerDuration.record(0.03, route(r));
      iso.instruments.secretsCreated.add(1);
      iso.instruments.rateLimited.add(1, { [ATTR.action]: i % 2 ? "create" : "reveal" });
    }
    await Promise.all(isolates.map((iso) => iso.handOff()));
    const [s0, s1] = await Promise.all([snapshot("shards-0"), snapshot("shards-1")]);
    const keys = (s: typeof s0) => new Set(s.series.map((x) => JSON.stringify([x.metric, x.attributes])));
    const [k0, k1] = [keys(s0), keys(s1)];
    expect(k0.size).toBeGreaterThan(0);
    expect(k1.size).toBeGreaterThan(0);
    expect([...k0].filter((k) => k1.has(k))).toEqual([]);
    expect(k0.size + k1.size).toBe(4 + 1 + 2);

    const { next } = await captured();
    expect((await exportFleet(config, "shards-0")).ok).toBe(true);
    expect((await exportFleet(config, "shards-1")).ok).toBe(true);
    const firstBatches = (await captured(next)).batches.filter((b) => b.signal === "metrics");
    expect(firstBatches).toHaveLength(2);
    const first = firstBatches.flatMap((b) => decodeMetricsRequest(base64Bytes(b.body)));
    expect(first.map((r) => r.resource["service.instance.id"]).sort()).toEqual(["aggregator-0", "aggregator-1"]);
    for (const r of first) {
      expect(r.resource["service.name"]).toBe("fleet-test");
      expect(r.resource[ATTR.environment]).toBe("test");
    }
    const points = (name: string, rs: typeof first) => rs.flatMap((r) => r.metrics.get(name) ?? []);
    const created = points(METRICS.secretsCreated.name, first);
    expect(created.map((p) => p.value)).toEqual([0, 10]);
    expect(created[0]!.timeMs).toBeLessThan(created[1]!.timeMs);
    const durations = points(METRICS.httpServerDuration.name, first);
    expect(durations).toHaveLength(8);
    expect(durations.filter((p) => p.count === 0).every((p) => p.bucketCounts!.every((c) => c === 0))).toBe(true);
    expect(durations.filter((p) => p.count === 10)).toHaveLength(4);

    // Known series go out once per export, at their cumulative value.
    const { next: again } = await captured();
    await exportFleet(config, "shards-0");
    await exportFleet(config, "shards-1");
    const second = (await captured(again)).batches.filter((b) => b.signal === "metrics").flatMap((b) => decodeMetricsRequest(base64Bytes(b.body)));
    expect(points(METRICS.secretsCreated.name, second).map((p) => p.value)).toEqual([10]);
    expect(points(METRICS.httpServerDuration.name, second)).toHaveLength(4);
  });

  it("honours the backend's Retry-After: no export before it has passed, and a new series still starts at zero after it", async () => {
    const iso = isolate("throttled");
    iso.instruments.secretsBurned.add(4);
    await iso.handOff();
    const throttled = { ...config, endpoint: throttlingBackendUrl() };
    await throttle(429, "30", 1);
    const { next } = await received();
    const t0 = Date.now();
    expect(await exportFleet(throttled, "throttled-0", t0)).toMatchObject({ ok: false, detail: "429" });
    expect(await exportFleet(throttled, "throttled-0", t0 + 2_000)).toMatchObject({ ok: false, detail: "retry-after" });
    expect((await received(next)).received.map((r) => r.status)).toEqual([429]);
    const { next: receiverNext } = await captured();
    expect((await exportFleet(config, "throttled-0", t0 + 30_001)).ok).toBe(true);
    const [batch] = (await captured(receiverNext)).batches;
    const burned = decodeMetricsRequest(base64Bytes(batch!.body)).flatMap((r) => r.metrics.get(METRICS.secretsBurned.name) ?? []);
    expect(burned.map((p) => p.value)).toEqual([0, 4]);
  });

  it("drops points a previous deploy's isolates still send: metrics the catalog lost, histograms with other buckets", async () => {
    const stub = aggregatorStub("drift-0");
    const old: Handoff = {
      isolate: "old-deploy", seq: 1, service: "fleet-test", environment: "test", time: Date.now(),
      points: [
        { metric: "retiredMetric" as never, attributes: {}, value: 1 },
        { metric: "httpServerDuration", attributes: route("/healthz"), value: { counts: [1, 0, 0], sum: 0.01, count: 1 } },
        { metric: "secretsCreated", attributes: {}, value: 2 },
      ],
    };
    expect(await stub.handoff(old)).toEqual({ applied: true });
    expect((await snapshot("drift-0")).series.map((x) => x.metric)).toEqual(["secretsCreated"]);
    const { next } = await captured();
    expect((await exportFleet(config, "drift-0")).ok).toBe(true);
    const [batch] = (await captured(next)).batches;
    expect([...decodeMetricsRequest(base64Bytes(batch!.body))[0]!.metrics.keys()].filter((n) => !n.startsWith("moltsecret.telemetry"))).toEqual([METRICS.secretsCreated.name]);
  });
});
