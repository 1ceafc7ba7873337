import { describe, expect, it } from "vitest";
import { startPipeline, type PipelineOptions } from "./harness.ts";

/** Bounded load per run: WARMUP then REQUESTS more, CONCURRENCY at a time (override: MEMORY_TEST_REQUESTS). */
const REQUESTS = Number(process.env.MEMORY_TEST_REQUESTS ?? 6_000);
const WARMUP = 1_000;
const CONCURRENCY = 16;
/**
 * wrangler dev's workerd grows by itself under load (measured: +240 MiB over 10k requests with telemetry off),
 * so telemetry is judged against the same Worker with telemetry off under the same load. otel-cf-workers' own
 * processor doubled memory; ours may add at most a quarter of the plain Worker's growth plus a small constant.
 */
const MAX_GROWTH_RATIO = 1.25;
const SLACK_BYTES = 8 * 1024 * 1024;

const mib = (b: number) => (b / 1024 / 1024).toFixed(1);

async function measure(label: string, options: PipelineOptions): Promise<{ growth: number; summary: string }> {
  const p = await startPipeline({ ...options, logLevel: "warn", vars: { ...options.vars, RATE_LIMIT_CREATE_PER_MINUTE: "0", RATE_LIMIT_REVEAL_PER_MINUTE: "0" } });
  try {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${p.workerUrl}/api/secrets`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ciphertext: `mem${i}`, maxViews: null, ttlSeconds: 3600 }) });
      ids.push(((await res.json()) as { id: string }).id);
    }
    let next = 0;
    let failures = 0;
    const load = async (to: number) => {
      const worker = async () => {
        while (next < to) {
          const i = next++;
          const path = i % 3 === 0 ? "/healthz" : `/api/secrets/${ids[i % ids.length]}`;
          const res = await fetch(`${p.workerUrl}${path}`, { headers: { "cf-connecting-ip": `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` } });
          await res.arrayBuffer();
          if (res.status >= 500) failures++;
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    };
    await load(WARMUP);
    const base = p.workerdRss();
    const started = Date.now();
    const samples: number[] = [];
    for (let q = 1; q <= 4; q++) {
      await load(WARMUP + Math.round((REQUESTS * q) / 4));
      samples.push(p.workerdRss());
    }
    const seconds = (Date.now() - started) / 1000;
    expect(failures).toBe(0);
    const metrics = p.batches.filter((b) => b.signal === "metrics");
    const growth = Math.max(...samples) - base;
    const exportsPart = metrics.length
      ? `; ${metrics.length} metric exports (${Math.round((WARMUP + REQUESTS) / metrics.length)} requests per export, ${Math.round(metrics.reduce((n, b) => n + b.bytes, 0) / metrics.length)} B avg)`
      : "";
    return { growth, summary: `${label}: ${REQUESTS} requests after ${WARMUP} warm-up, ${Math.round(REQUESTS / seconds)} req/s, workerd RSS ${mib(base)} MiB -> ${samples.map(mib).join(", ")} (growth ${mib(growth)} MiB)${exportsPart}` };
  } finally {
    await p.stop();
  }
}

describe("memory under sustained load", () => {
  it(`grows workerd's RSS no more with telemetry on (traces sampled at 0.1) than off, over ${REQUESTS} requests`, async () => {
    const off = await measure("telemetry off", { otlpEndpoint: "" });
    const on = await measure("telemetry on", { sampleRatio: "0.1" });
    console.log(`memory: ${off.summary}\nmemory: ${on.summary}`);
    if (process.env.MEMORY_TEST_NO_TRACES) {
      const noTraces = await measure("telemetry on, OTEL_TRACES_EXPORTER=none", { vars: { OTEL_TRACES_EXPORTER: "none" } });
      console.log(`memory: ${noTraces.summary}`);
    }
    expect(on.growth).toBeLessThan(off.growth * MAX_GROWTH_RATIO + SLACK_BYTES);
  }, 1_200_000);
});
