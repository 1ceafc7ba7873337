import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error plain ESM script without types
import { startVictoriaMetrics } from "../../scripts/obs/victoria-metrics.mjs";
import { substituteVariables } from "../promql/lint.ts";
import { otlpShapedSamples } from "./otlp-shaped-samples.ts";
import { liveQueries } from "./queries.ts";

/**
 * Every panel query, recording rule and alert value returns data from a real VictoriaMetrics holding
 * OTLP-shaped samples under the catalog's promName() names (imported through /api/v1/import/prometheus).
 * worker.test.ts runs the same queries against the real Worker's export.
 */

interface Vm {
  url: string;
  flush: () => Promise<void>;
  query: (promql: string) => Promise<Array<{ value: [number, string] }>>;
  stop: () => Promise<void>;
}

let vm: Vm;
const STEP_MS = 60_000;
const STEPS = 3;

beforeAll(async () => {
  vm = (await startVictoriaMetrics()) as Vm;
  // Whole seconds in the past: VM evaluates instant queries at the current second, and a sample later than that is not seen.
  const now = Date.now() - 1000;
  const timestamps = Array.from({ length: STEPS }, (_, i) => now - (STEPS - 1 - i) * STEP_MS);
  const res = await fetch(`${vm.url}/api/v1/import/prometheus`, { method: "POST", body: otlpShapedSamples(timestamps, 120) });
  expect(res.status).toBeLessThan(300);
  await vm.flush();
}, 60_000);

afterAll(async () => {
  await vm?.stop();
});

describe("live (imported OTLP-shaped samples): every query returns data from VictoriaMetrics", () => {
  it.each(liveQueries().map((q) => [q.where, q.expr]))("%s", async (_where, expr) => {
    const promql = substituteVariables(expr);
    const result = await vm.query(promql);
    expect(result.length, promql).toBeGreaterThan(0);
    for (const sample of result) expect(Number.isFinite(Number(sample.value[1])), `${promql} = ${sample.value[1]}`).toBe(true);
  });

  it("a query on a name the catalog does not define returns nothing (the check can fail)", async () => {
    expect(await vm.query("sum(rate(http_server_request_duration_milliseconds_count[5m]))")).toEqual([]);
  });
});
