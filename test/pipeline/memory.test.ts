import { afterAll, describe, expect, it } from "vitest";
import { startPipeline, stopPipelines, type PipelineOptions } from "./harness.ts";
import { FLAT_HEAP_TOLERANCE_BYTES, openInspector } from "../../scripts/dev/workerd-heap.ts";

/** Bounded load per run: WARMUP then REQUESTS more in CHECKPOINTS steps, CONCURRENCY at a time (override: MEMORY_TEST_REQUESTS). */
const REQUESTS = Number(process.env.MEMORY_TEST_REQUESTS ?? 6_000);
const WARMUP = 1_000;
const CHECKPOINTS = 4;
const CONCURRENCY = 16;
/**
 * wrangler dev's proxy answers this when its connection to the Worker's workerd fails: ProxyWorker.ts compares the
 * full request URL with the Worker's origin-only URL, so any connection error reads as "restarted" (no reload happens:
 * the debug log shows none). GETs it retries itself; a POST gets this 503 without having reached the Worker. They
 * come under heavy machine load, are not the Worker's answers, and are counted and bounded apart from them.
 */
const DEV_PROXY_DROP = "Your worker restarted mid-request.";
/** At most 1 in 200 requests lost by wrangler dev's proxy (measured: 4-13 of 7,000 at load average 5-11, 0 when quiet). */
const MAX_DEV_PROXY_DROP_SHARE = 1 / 200;
/** workerd's RSS is reported, not judged: under wrangler dev it grows with wrangler's own machinery even when the heap is flat. */

afterAll(stopPipelines);

const mib = (b: number) => (b / 1024 / 1024).toFixed(1);

interface Run {
  heapGrowth: number;
  summary: string;
}

async function measure(label: string, options: PipelineOptions): Promise<Run> {
  const p = await startPipeline({ ...options, logLevel: "warn", vars: { ...options.vars, RATE_LIMIT_CREATE_PER_MINUTE: "0", RATE_LIMIT_REVEAL_PER_MINUTE: "0", RATE_LIMIT_READ_PER_MINUTE: "0", FLEET_CREATES_PER_MINUTE: "0", FLEET_CREATE_BYTES_PER_MINUTE: "0" } });
  const inspector = await openInspector(p.inspectorPort);
  try {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${p.workerUrl}/api/secrets`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ciphertext: `mem${i}`, maxViews: null, ttlSeconds: 3600 }) });
      ids.push(((await res.json()) as { id: string }).id);
    }
    let next = 0;
    const failures = new Map<string, number>();
    const failedBodies: string[] = [];
    let devProxyDrops = 0;
    const load = async (to: number) => {
      const worker = async () => {
        while (next < to) {
          const i = next++;
          // Metadata reads, reveals of unlimited-view secrets (view counter DO, write-behind) and health checks.
          const kind = i % 4 === 0 ? "healthz" : i % 4 === 1 ? "reveal" : "metadata";
          const id = ids[i % ids.length];
          const res = await fetch(`${p.workerUrl}${kind === "healthz" ? "/healthz" : kind === "reveal" ? `/api/secrets/${id}/reveal` : `/api/secrets/${id}`}`, {
            method: kind === "reveal" ? "POST" : "GET",
            headers: { "cf-connecting-ip": `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
          });
          const body = await res.text();
          if (res.status === 503 && body.startsWith(DEV_PROXY_DROP)) {
            devProxyDrops++;
            continue;
          }
          if (res.status >= 500) {
            failures.set(`${kind} ${res.status}`, (failures.get(`${kind} ${res.status}`) ?? 0) + 1);
            if (failedBodies.length < 5) failedBodies.push(`${kind} ${res.status} ${body.slice(0, 200)}`);
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    };
    await load(WARMUP);
    // RSS first: the heap snapshot that forces the GC makes workerd allocate for a moment.
    const base = { rss: p.workerdRss(), fds: p.workerdFds(), heap: (await inspector.heapAfterGc()).usedBytes };
    const started = Date.now();
    const heaps: number[] = [];
    const rss: number[] = [];
    for (let q = 1; q <= CHECKPOINTS; q++) {
      await load(WARMUP + Math.round((REQUESTS * q) / CHECKPOINTS));
      rss.push(p.workerdRss());
      heaps.push((await inspector.heapAfterGc()).usedBytes);
    }
    const seconds = (Date.now() - started) / 1000;
    const errorLines = p.consoleLines().filter((l) => /"level":"error"|request\.error|unavailable|Error/.test(l)).slice(0, 10);
    expect(Object.fromEntries(failures), `${label}: 5xx answers, e.g.\n${failedBodies.join("\n")}\nWorker error lines:\n${errorLines.join("\n")}`).toEqual({});
    expect(devProxyDrops, `${label}: requests wrangler dev's proxy dropped`).toBeLessThanOrEqual((WARMUP + REQUESTS) * MAX_DEV_PROXY_DROP_SHARE);
    const metrics = p.batches.filter((b) => b.signal === "metrics");
    const exportsPart = metrics.length
      ? `; ${metrics.length} metric exports (${Math.round((WARMUP + REQUESTS) / metrics.length)} requests per export, ${Math.round(metrics.reduce((n, b) => n + b.bytes, 0) / metrics.length)} B avg)`
      : "";
    return {
      heapGrowth: heaps[heaps.length - 1]! - base.heap,
      summary:
        `${label}: ${REQUESTS} requests after ${WARMUP} warm-up, ${Math.round(REQUESTS / seconds)} req/s; ` +
        `live heap after GC ${mib(base.heap)} MiB -> ${heaps.map(mib).join(", ")}; workerd RSS ${mib(base.rss)} MiB -> ${rss.map(mib).join(", ")}; ` +
        `workerd open fds ${base.fds} -> ${p.workerdFds()}${exportsPart}; ${devProxyDrops} POSTs dropped by wrangler dev's proxy`,
    };
  } finally {
    inspector.close();
    await p.stop();
  }
}

describe("memory under sustained load", () => {
  it(`keeps the Worker isolate's live heap flat over ${REQUESTS} requests, telemetry off and on (traces sampled at 0.1)`, async () => {
    const off = await measure("telemetry off", { otlpEndpoint: "" });
    const on = await measure("telemetry on", { sampleRatio: "0.1" });
    console.log(`memory: ${off.summary}\nmemory: ${on.summary}`);
    expect(off.heapGrowth).toBeLessThan(FLAT_HEAP_TOLERANCE_BYTES);
    expect(on.heapGrowth).toBeLessThan(FLAT_HEAP_TOLERANCE_BYTES);
  }, 1_800_000);
});
