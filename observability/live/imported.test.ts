import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stopAllServices } from "../../scripts/obs/service.mjs";
import { startStandIn } from "../../scripts/obs/stand-in.mjs";
import { substituteVariables } from "../../promql/lint.ts";
import { otlpShapedSamples } from "./otlp-shaped-samples.ts";
import { liveQueries } from "./queries.ts";

/**
 * Every panel query, recording rule and alert value returns data from the Grafana Cloud stand-in (vmagent -> real
 * Prometheus) holding OTLP-shaped samples under the catalog's promName() names. worker.test.ts runs the same queries
 * against the real Worker's export.
 */

interface StandIn {
  importUrl: string;
  flush: () => Promise<void>;
  query: (promql: string) => Promise<Array<{ value: [number, string] }>>;
  stop: () => Promise<void>;
}

let standIn: StandIn;
const STEP_MS = 60_000;
const STEPS = 3;

beforeAll(async () => {
  standIn = (await startStandIn()) as StandIn;
  const now = Date.now() - 1000;
  // One request per step, oldest first: vmagent parses a body in parallel, and Prometheus drops a sample older than
  // one it already has for the series.
  for (let step = 0; step < STEPS; step++) {
    const res = await fetch(standIn.importUrl, { method: "POST", body: otlpShapedSamples([now - (STEPS - 1 - step) * STEP_MS], 120 * (step + 1)) });
    expect(res.status).toBeLessThan(300);
  }
  await standIn.flush();
}, 60_000);

afterAll(stopAllServices);

describe("live (imported OTLP-shaped samples): every query returns data from the Grafana Cloud stand-in", () => {
  it.each(liveQueries().map((q) => [q.where, q.expr]))("%s", async (_where, expr) => {
    const promql = substituteVariables(expr);
    const result = await standIn.query(promql);
    expect(result.length, promql).toBeGreaterThan(0);
    for (const sample of result) expect(Number.isFinite(Number(sample.value[1])), `${promql} = ${sample.value[1]}`).toBe(true);
  });

  it("a query on a name the catalog does not define returns nothing (the check can fail)", async () => {
    expect(await standIn.query("sum(rate(http_server_request_duration_milliseconds_count[5m]))")).toEqual([]);
  });
});
