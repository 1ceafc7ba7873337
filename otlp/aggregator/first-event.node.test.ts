import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ATTR, HTTP_DURATION_BUCKETS, METRICS, promLabel, promName } from "../../catalog/index.ts";
import { startStandIn } from "../../scripts/obs/stand-in.mjs";
import { FleetState } from "./fleet-state.ts";
import { buildFleetExport } from "./otlp-export.ts";
import type { Handoff } from "./points.ts";

/**
 * What Grafana Cloud makes of the aggregator's exports, checked in the local stand-in (vmagent -> Prometheus 2.53,
 * whose rate()/increase() never count a new series' first sample): a label set first seen with one event is counted.
 */
const INTERVAL_MS = 1_000;
const EXPORTS = 6;

let standIn: { otlpMetricsUrl: string; flush: () => Promise<void>; query: (q: string) => Promise<Array<{ value: [number, string] }>>; stop: () => Promise<void> };

beforeAll(async () => {
  standIn = await startStandIn();
}, 60_000);

afterAll(async () => {
  await standIn?.stop();
});

/** One rare event per label set, handed off once, then exported every interval as the alarm does. */
async function exportRareEvents(environment: string, zeroFirst: boolean): Promise<void> {
  const state = new FleetState();
  const handoff: Handoff = {
    isolate: "isolate-1",
    seq: 1,
    service: "first-event-test",
    environment,
    time: Date.now(),
    points: [
      { metric: "rateLimited", attributes: { [ATTR.action]: "create" }, value: 1 },
      { metric: "httpServerDuration", attributes: { [ATTR.status]: 503 }, value: { counts: [1, ...new Array(HTTP_DURATION_BUCKETS.length).fill(0)], sum: 0.004, count: 1 } },
    ],
  };
  state.apply(handoff, Date.now());
  // The old behaviour, for contrast: the series' first sample is already its value.
  if (!zeroFirst) for (const s of state.series.values()) s.exported = true;
  for (let i = 0; i < EXPORTS; i++) {
    const fleet = buildFleetExport(state, 0, Date.now(), INTERVAL_MS)!;
    const res = await fetch(standIn.otlpMetricsUrl, { method: "POST", headers: { "content-type": "application/x-protobuf" }, body: fleet.body });
    await res.arrayBuffer();
    expect(res.status).toBeLessThan(300);
    fleet.markExported();
    await new Promise((r) => setTimeout(r, INTERVAL_MS));
  }
  await standIn.flush();
}

const increase = async (expr: string) => Number((await standIn.query(`sum(increase(${expr}[1h]))`))[0]?.value[1] ?? 0);
const env = (e: string) => `${promLabel(ATTR.environment)}="${e}"`;

describe("a label set's first event, through the Grafana Cloud stand-in", () => {
  it("is counted by increase() because the aggregator exports a new series at zero first", async () => {
    await exportRareEvents("zero-first", true);
    const counter = await increase(`${promName(METRICS.rateLimited)}{${env("zero-first")}}`);
    const histogram = await increase(`${promName(METRICS.httpServerDuration)}_count{${env("zero-first")}}`);
    console.log(`first event: increase() = ${counter.toFixed(3)} (counter), ${histogram.toFixed(3)} (histogram count) for 1 event each`);
    // Prometheus extrapolates to the query time: 1 event reads as 1..1.2.
    expect(counter).toBeGreaterThanOrEqual(1);
    expect(counter).toBeLessThan(1.25);
    expect(histogram).toBeGreaterThanOrEqual(1);
    expect(histogram).toBeLessThan(1.25);
  }, 60_000);

  it("is invisible without the zero sample (what per-isolate export did)", async () => {
    await exportRareEvents("value-first", false);
    expect(await increase(`${promName(METRICS.rateLimited)}{${env("value-first")}}`)).toBe(0);
    expect(await increase(`${promName(METRICS.httpServerDuration)}_count{${env("value-first")}}`)).toBe(0);
  }, 60_000);
});
