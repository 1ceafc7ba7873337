import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KV_HOT_READS_PER_MINUTE, METRICS, promName } from "../../catalog/index.ts";
import { driveMix, newDrive, send } from "./drive.ts";
import { eventually, startPipeline, stopPipelines, type Pipeline } from "./harness.ts";
import { substituteVariables } from "../../promql/lint.ts";
import { otlpShapedSamples } from "../../observability/live/otlp-shaped-samples.ts";
import { liveQueries } from "../../observability/live/queries.ts";

/**
 * The same queries against the Grafana Cloud stand-in fed by the real Worker (test/pipeline harness: wrangler dev ->
 * OTLP -> vmagent with Grafana Cloud's labelling -> real Prometheus), with Prometheus' rate() semantics.
 * Only the Tail Worker's CPU histogram is imported as samples: the harness runs the API Worker only, and locally
 * workerd reports cpuTime 0 anyway (toolchain notes).
 */

let p: Pipeline;
const CPU = promName(METRICS.workerCpuTime);

/** Regional panels: locally every request comes from the one region wrangler's request.cf reports. */
const REGION = /moltsecret_region="(\w+)"/;
let localRegions: string[] = [];

beforeAll(async () => {
  // The stand-in's Prometheus evaluates the generated rules every 2 s on what the Worker exports.
  p = await startPipeline({ ruleInterval: "2s" });
  const drive = newDrive();
  await driveMix(drive, p.workerUrl);
  // One hot secret (more reads per minute than KV_HOT_READS_PER_MINUTE): once a reveal has emptied the edge cache, its
  // next read is promoted into KV, so the measured KV-write cost term has data.
  const hot = (await (await send(drive, p.workerUrl, "POST", "/api/secrets", "/api/secrets", { body: { ciphertext: "liveHotSecret", ttlSeconds: 3600, maxViews: 5 } })).json()) as { id: string };
  drive.sensitive.add(hot.id);
  for (let i = 0; i <= KV_HOT_READS_PER_MINUTE.value; i++) await (await send(drive, p.workerUrl, "GET", "/api/secrets/:id", `/api/secrets/${hot.id}`)).arrayBuffer();
  await (await send(drive, p.workerUrl, "POST", "/api/secrets/:id/reveal", `/api/secrets/${hot.id}/reveal`)).arrayBuffer();
  await (await send(drive, p.workerUrl, "GET", "/api/secrets/:id", `/api/secrets/${hot.id}`)).arrayBuffer();
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
  const now = Date.now() - 1000;
  // One request per timestamp, oldest first: vmagent parses a body in parallel, and Prometheus drops a sample older
  // than one it already has for the series.
  for (const [step, at] of [now - 60_000, now].entries()) {
    const cpu = otlpShapedSamples([at], 120 * (step + 1)).split("\n").filter((l) => l.startsWith(CPU)).join("\n");
    expect((await fetch(p.importUrl, { method: "POST", body: `${cpu}\n` })).status).toBeLessThan(300);
  }
  await eventually(async () => (await p.query(`count(${promName(METRICS.httpServerDuration)}_count)`)).length > 0, 30_000);
  const byRegion = await p.query(`count by (moltsecret_region) (${promName(METRICS.httpServerDuration)}_count)`);
  localRegions = byRegion.map((s) => s.metric.moltsecret_region ?? "").filter(Boolean);
}, 240_000);

afterAll(stopPipelines);

describe("live (real Worker): every query returns data from the Grafana Cloud stand-in", () => {
  it("the Worker exported metrics, labelled with a region of the document's latency table", () => {
    expect(p.batches.filter((b) => b.signal === "metrics").length).toBeGreaterThan(0);
    expect(localRegions.length).toBeGreaterThan(0);
  });

  it("evaluates every generated recording and alert rule on the Worker's data without an error", async () => {
    type Rule = { name: string; health: string; lastError?: string; lastEvaluation: string };
    let rules: Rule[] = [];
    await eventually(async () => {
      const res = await fetch(`${p.promUrl}/api/v1/rules`);
      rules = ((await res.json()) as { data: { groups: { rules: Rule[] }[] } }).data.groups.flatMap((g) => g.rules);
      return rules.length > 0 && rules.every((r) => !r.lastEvaluation.startsWith("0001"));
    }, 30_000, 500);
    expect(rules.length).toBe(liveQueries().filter((q) => q.where.startsWith("record ") || q.where.startsWith("alert ")).length);
    expect(rules.filter((r) => r.health !== "ok").map((r) => `${r.name}: ${r.lastError}`)).toEqual([]);
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
