import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { METRICS, promName } from "../../catalog/index.ts";
import { driveMix, newDrive, send } from "../../test/pipeline/drive.ts";
import { eventually, startPipeline, type Pipeline } from "../../test/pipeline/harness.ts";
import { substituteVariables } from "../promql/lint.ts";
import { otlpShapedSamples } from "./otlp-shaped-samples.ts";
import { liveQueries } from "./queries.ts";

/**
 * The same queries against VictoriaMetrics fed by the real Worker (test/pipeline harness: wrangler dev -> OTLP -> VM).
 * Only the Tail Worker's CPU histogram is imported as samples: the harness runs the API Worker only, and locally
 * workerd reports cpuTime 0 anyway (toolchain notes).
 */

let p: Pipeline;
const CPU = promName(METRICS.workerCpuTime);

/** Regional panels: locally every request comes from the one region wrangler's request.cf reports. */
const REGION = /moltsecret_region="(\w+)"/;
let localRegions: string[] = [];

beforeAll(async () => {
  p = await startPipeline();
  const drive = newDrive();
  await driveMix(drive, p.workerUrl);
  // One client over the per-IP create limit: 429s and the rate-limited counter.
  for (let i = 0; i < 40; i++) {
    const body = { ciphertext: `liveBurst${i}`, ttlSeconds: 3600, maxViews: 1 };
    await (await send(drive, p.workerUrl, "POST", "/api/secrets", "/api/secrets", { body, ip: "203.0.113.77" })).arrayBuffer();
  }
  // The Worker exports from waitUntil after requests: keep a trickle going until every series has a few samples.
  const metricBatches = () => p.batches.filter((b) => b.signal === "metrics").length;
  const target = metricBatches() + 4;
  for (let i = 0; i < 60 && metricBatches() < target; i++) {
    await (await send(drive, p.workerUrl, "GET", "/api/secrets/:id", `/api/secrets/trickle${i}AAAAAAAAAAAAAAAA`)).arrayBuffer();
    await new Promise((r) => setTimeout(r, 500));
  }
  // In the past: VM evaluates instant queries at the current whole second and ignores later samples.
  const now = Date.now() - 1000;
  const cpu = otlpShapedSamples([now - 60_000, now], 120).split("\n").filter((l) => l.startsWith(CPU)).join("\n");
  expect((await fetch(`${p.vmUrl}/api/v1/import/prometheus`, { method: "POST", body: `${cpu}\n` })).status).toBeLessThan(300);
  await eventually(async () => (await p.query(`count(${promName(METRICS.httpServerDuration)}_count)`)).length > 0, 30_000);
  const byRegion = await p.query(`count by (moltsecret_region) (${promName(METRICS.httpServerDuration)}_count)`);
  localRegions = byRegion.map((s) => s.metric.moltsecret_region ?? "").filter(Boolean);
}, 240_000);

afterAll(async () => {
  await p?.stop();
});

describe("live (real Worker): every query returns data from VictoriaMetrics", () => {
  it("the Worker exported metrics, labelled with a region of the document's latency table", () => {
    expect(p.batches.filter((b) => b.signal === "metrics").length).toBeGreaterThan(0);
    expect(localRegions.length).toBeGreaterThan(0);
  });

  it.each(liveQueries().map((q) => [q.where, q.expr]))("%s", async (_where, expr) => {
    let promql = substituteVariables(expr);
    // Other regions than the local one: the same query for the local region proves the query, not the geography.
    const region = promql.match(REGION)?.[1];
    if (region && !localRegions.includes(region)) promql = promql.replace(REGION, `moltsecret_region="${localRegions[0]}"`);
    const result = await p.query(promql);
    expect(result.length, promql).toBeGreaterThan(0);
  });
});
