import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ATTR, LABEL_VALUES, METRICS, promLabel, promName } from "../../catalog/index.ts";
import { newDrive, send, type Drive } from "./drive.ts";
import { eventually, startPipeline, stopPipelines, type Pipeline } from "./harness.ts";

const DURATION = promName(METRICS.httpServerDuration);
const EXPORTS = promName(METRICS.telemetryExports);
const ITEMS = promName(METRICS.telemetryItems);
const env = `${promLabel(ATTR.environment)}="pipeline-test"`;
const num = (samples: Array<{ value: [number, string] }>) => Number(samples[0]?.value[1] ?? 0);

let p: Pipeline;
let drive: Drive;
const slowest: Record<string, number> = {};
const statuses: Record<string, number[]> = {};

/** Requests for `ms` against a backend in `mode`: every one must succeed, and none may wait for the exporter. */
async function phase(mode: "ok" | "fail" | "hang" | "refuse", ms: number): Promise<void> {
  await p.setBackendMode(mode);
  const until = Date.now() + ms;
  slowest[mode] = 0;
  statuses[mode] = [];
  while (Date.now() < until) {
    const t = performance.now();
    const res = await send(drive, p.workerUrl, "GET", "/healthz", "/healthz");
    await res.arrayBuffer();
    slowest[mode] = Math.max(slowest[mode]!, performance.now() - t);
    statuses[mode]!.push(res.status);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  p = await startPipeline();
  drive = newDrive(p.probes);
  await phase("ok", 2_500);
  await phase("fail", 3_500);
  await phase("hang", 3_500);
  await phase("refuse", 3_500);
  await phase("ok", 500);
  // Recovery: the hung export times out (10 s) and the next flush carries everything, cumulative.
  await eventually(async () => {
    await (await send(drive, p.workerUrl, "GET", "/healthz", "/healthz")).arrayBuffer();
    await new Promise((r) => setTimeout(r, 1_100));
    await (await send(drive, p.workerUrl, "GET", "/healthz", "/healthz")).arrayBuffer();
    // Metrics reach the backend through the aggregator: up to one isolate interval plus one aggregator interval.
    await new Promise((r) => setTimeout(r, 2_200));
    return num(await p.query(`sum(${DURATION}_count{${env}})`)) === drive.total;
  }, 60_000, 0);
}, 180_000);

afterAll(stopPipelines);

describe("backend outage: refused, 500 and hanging OTLP endpoint", () => {
  it("answers every request normally and without waiting for the exporter", () => {
    console.log(`outage: slowest request per backend mode (ms): ${JSON.stringify(Object.fromEntries(Object.entries(slowest).map(([m, v]) => [m, Math.round(v)])))}`);
    for (const mode of ["fail", "hang", "refuse"]) {
      expect(statuses[mode]!.length, mode).toBeGreaterThan(10);
      expect(new Set(statuses[mode]), mode).toEqual(new Set([200]));
      expect(slowest[mode], mode).toBeLessThan(1_000);
    }
  });

  it("loses no request count: cumulative metrics catch up after the outage", async () => {
    expect(drive.total).toBeGreaterThan(60);
    expect(num(await p.query(`sum(${DURATION}_count{${env}})`))).toBe(drive.total);
  });

  it("counts the failed exports, at least one per attempt the backend saw fail, plus the refused ones", async () => {
    const seen = (mode: string) => p.batches.filter((b) => b.signal === "metrics" && b.mode === mode).length;
    expect(seen("fail")).toBeGreaterThanOrEqual(2);
    expect(seen("hang")).toBeGreaterThanOrEqual(1);
    const failed = num(await p.query(`sum(${EXPORTS}{${env}, ${promLabel(ATTR.signal)}="metrics", ${promLabel(ATTR.outcome)}="${LABEL_VALUES.telemetryOutcome.failed}"})`));
    expect(failed).toBeGreaterThan(seen("fail") + seen("hang"));
    const exported = num(await p.query(`sum(${EXPORTS}{${env}, ${promLabel(ATTR.signal)}="metrics", ${promLabel(ATTR.outcome)}="${LABEL_VALUES.telemetryOutcome.exported}"})`));
    expect(exported).toBeGreaterThan(0);
    const lostLogs = num(await p.query(`sum(${ITEMS}{${env}, ${promLabel(ATTR.signal)}="logs", ${promLabel(ATTR.outcome)}="${LABEL_VALUES.telemetryOutcome.failed}"})`));
    expect(lostLogs).toBeGreaterThan(0);
  });

  it("warns about failed exports at most once per minute per kind", () => {
    const warnings = p.consoleLines().filter((l) => l.includes('"source":"telemetry"') && l.includes("export-metrics"));
    expect(warnings.length).toBe(1);
  });
});
