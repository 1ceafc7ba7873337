import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ATTR, METRICS, TELEMETRY, promLabel, promName } from "../../catalog/index.ts";
import { eventually, startPipeline, stopPipelines, type Pipeline } from "./harness.ts";

let p: Pipeline;
const REQUESTS = 12;

beforeAll(async () => {
  p = await startPipeline({ tail: true });
}, 180_000);

afterAll(stopPipelines);

describe("local producer -> Tail Worker wiring (two wrangler dev processes)", () => {
  it("delivers the API's trace events to moltsecret-tail, which exports invocations and (locally zero) CPU time", async () => {
    for (let i = 0; i < REQUESTS; i++) await (await fetch(`${p.workerUrl}/healthz`)).arrayBuffer();
    const invocations = `sum(${promName(METRICS.workerInvocations)}{service_name="${TELEMETRY.tailServiceName}"})`;
    await eventually(async () => {
      await (await fetch(`${p.workerUrl}/healthz`)).arrayBuffer();
      await new Promise((r) => setTimeout(r, 1_100));
      return Number((await p.query(invocations))[0]?.value[1] ?? 0) >= REQUESTS;
    }, 60_000, 0);
    const scripts = await p.query(`sum by (${promLabel(ATTR.workerScript)}) (${promName(METRICS.workerInvocations)}{service_name="${TELEMETRY.tailServiceName}"})`);
    console.log(`tail wiring: invocations by ${promLabel(ATTR.workerScript)}: ${JSON.stringify(scripts.map((r) => [r.metric[promLabel(ATTR.workerScript)], r.value[1]]))}`);
    // Locally wrangler's trace events carry scriptName null (production: "moltsecret-api"), recorded as "unknown".
    expect(scripts.map((r) => r.metric[promLabel(ATTR.workerScript)])).toEqual(["unknown"]);
    const cpu = await p.query(`sum by (${promLabel(ATTR.workerOutcome)}, ${promLabel(ATTR.workerTrigger)}) (${promName(METRICS.workerCpuTime)}_count{service_name="${TELEMETRY.tailServiceName}"})`);
    expect(cpu.map((r) => r.metric[promLabel(ATTR.workerTrigger)])).toContain("http");
    expect(cpu.map((r) => r.metric[promLabel(ATTR.workerOutcome)])).toContain("ok");
    // Locally wrangler reports cpuTime 0: every observation lands in the first bucket. In production they spread.
    const sum = await p.query(`sum(${promName(METRICS.workerCpuTime)}_sum{service_name="${TELEMETRY.tailServiceName}"})`);
    expect(Number(sum[0]?.value[1])).toBe(0);
    // Handed off to the API's aggregator through the script_name binding: one exporter, not one per Tail Worker isolate.
    const instances = await p.query(`count by (instance) (${promName(METRICS.workerInvocations)}{service_name="${TELEMETRY.tailServiceName}"})`);
    expect(instances.map((r) => r.metric.instance)).toEqual(["aggregator-0"]);
    // The Tail Worker reports the environment the API reports, under the label Grafana Cloud promotes.
    const byEnv = async (service: string) =>
      (await p.query(`count by (${promLabel(ATTR.environment)}) ({service_name="${service}"})`)).map((r) => r.metric[promLabel(ATTR.environment)]);
    expect(await byEnv(TELEMETRY.tailServiceName)).toEqual(["pipeline-test"]);
    expect(await byEnv(TELEMETRY.defaultServiceName)).toEqual(["pipeline-test"]);
  });
});
