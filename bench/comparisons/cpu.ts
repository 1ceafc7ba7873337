// 7. CPU per request, per route of the full API mix, against the `[limits] cpu_ms` of wrangler.toml (catalog
//    WORKER_LIMITS.cpuMs, Rec. 5): is the heaviest request under the limit, with telemetry off and on?
import { PRICES, WORKER_LIMITS } from "../../catalog/index.ts";
import { NO_IO_PATH, createSecret } from "../lib/api.ts";
import { cpuNs } from "../lib/cpu-time.ts";
import { num, passMark, table } from "../lib/format.ts";
import { sleep } from "../lib/measure.ts";
import { startOtlpProxy } from "../lib/otlp-proxy.ts";
import { quantile } from "../lib/stats.ts";
import type { BenchContext, Comparison, TargetCheck } from "../lib/types.ts";
import { offVariant, oneWorkerConfig, onVariant } from "../lib/variants.ts";
import { startWorkerd } from "../lib/workerd.ts";
import type { RunningWorker, Variant } from "../lib/variant-worker.ts";

const JSON_HEADERS = { "content-type": "application/json" };
/** Time after the response in which the request's waitUntil work (cache fills, telemetry flush) is still its CPU. */
const DRAIN_MS = 40;
/** Between measured requests: longer than the write-behind flush (100 ms), whose alarm is the counter's own invocation. */
const GAP_MS = 250;

/** The API without the write Worker (the design before the split), telemetry off: what the split costs per write. */
const ONE_WORKER = "off, one Worker";
const WRITE_ROUTE = /^(POST|DELETE) /;
/** The same, with the KV query cache and its read-heat counters off (flag queryCacheDisabled): what hot-only costs a metadata GET. */
const QC_OFF = "off, KV query cache off";
const QC_OFF_FLAGS = "bench-flags-qc-off";
const METADATA_ROUTE = /^GET \/api\/secrets\/:id \((cold|edge)/;

interface RouteCase {
  name: string;
  /** Unmeasured preparation (creating the secret a reveal or delete needs); returns the request to time. */
  prepare(base: string): Promise<{ path: string; init?: RequestInit; expect: number }>;
}

const body = (ciphertext: string, maxViews: number | null) => JSON.stringify({ ciphertext, ttlSeconds: 86_400, maxViews });
const create = async (base: string, maxViews: number | null) => {
  const res = await fetch(`${base}/api/secrets`, { method: "POST", headers: JSON_HEADERS, body: body("c2VjcmV0", maxViews) });
  return (await res.json()) as { id: string; deleteToken: string };
};
/** The largest ciphertext the API accepts by default: 64 KiB of base64 text. */
const MAX_CIPHERTEXT = "A".repeat(65_536);

function routeCases(shared: { unlimitedId: string }): RouteCase[] {
  return [
    { name: "GET /healthz", prepare: async () => ({ path: "/healthz", expect: 200 }) },
    { name: "GET /api/secrets/:id (404, no I/O)", prepare: async () => ({ path: NO_IO_PATH, expect: 404 }) },
    { name: "POST /api/secrets (256 B)", prepare: async () => ({ path: "/api/secrets", init: { method: "POST", headers: JSON_HEADERS, body: body(Buffer.alloc(192, 7).toString("base64"), 1) }, expect: 201 }) },
    { name: "POST /api/secrets (64 KiB, the maximum)", prepare: async () => ({ path: "/api/secrets", init: { method: "POST", headers: JSON_HEADERS, body: body(MAX_CIPHERTEXT, 1) }, expect: 201 }) },
    { name: "GET /api/secrets/:id (cold: D1, fills)", prepare: async (base) => ({ path: `/api/secrets/${(await create(base, null)).id}`, expect: 200 }) },
    { name: "GET /api/secrets/:id (edge hit)", prepare: async () => ({ path: `/api/secrets/${shared.unlimitedId}`, expect: 200 }) },
    { name: "POST /:id/reveal (maxViews 1, burns)", prepare: async (base) => ({ path: `/api/secrets/${(await create(base, 1)).id}/reveal`, init: { method: "POST" }, expect: 200 }) },
    { name: "POST /:id/reveal (unlimited, write-behind)", prepare: async () => ({ path: `/api/secrets/${shared.unlimitedId}/reveal`, init: { method: "POST" }, expect: 200 }) },
    {
      name: "DELETE /api/secrets/:id",
      prepare: async (base) => {
        const s = await create(base, null);
        return { path: `/api/secrets/${s.id}`, init: { method: "DELETE", headers: { "X-Delete-Token": s.deleteToken } }, expect: 204 };
      },
    },
  ];
}

interface RouteResult {
  variant: string;
  route: string;
  /** CPU ms of the route's first request in the isolate: lazy compilation of its code path. */
  firstMs: number;
  /** CPU ms of each later request. */
  warmMs: number[];
}

/** CPU of the Worker's workerd for one request, from just before it is sent until its waitUntil work has drained. */
async function timeOne(worker: RunningWorker, rc: RouteCase): Promise<number> {
  const { path, init, expect } = await rc.prepare(worker.url);
  await sleep(GAP_MS);
  const before = cpuNs(worker.workerdPid);
  const res = await fetch(`${worker.url}${path}`, { ...init, signal: AbortSignal.timeout(30_000) });
  await res.arrayBuffer();
  await sleep(DRAIN_MS);
  const ns = cpuNs(worker.workerdPid) - before;
  if (res.status !== expect) throw new Error(`${rc.name}: ${res.status}, expected ${expect}`);
  return ns / 1e6;
}

async function measureVariant(worker: RunningWorker, perRoute: number, only?: RegExp): Promise<RouteResult[]> {
  // The unlimited secret is created (and the isolate started) before any route is timed; each route's first timed
  // request is still the first run of its own code path.
  const shared = { unlimitedId: await createSecret(worker.url, null) };
  const cases = routeCases(shared).filter((rc) => !only || only.test(rc.name));
  const results = cases.map((rc) => ({ variant: worker.variant.name, route: rc.name, firstMs: NaN, warmMs: [] as number[] }));
  for (let i = 0; i <= perRoute; i++) {
    for (const [k, rc] of cases.entries()) {
      const ms = await timeOne(worker, rc);
      if (i === 0) results[k]!.firstMs = ms;
      else results[k]!.warmMs.push(ms);
    }
  }
  return results;
}

export const cpu: Comparison = {
  id: "cpu",
  title: `CPU per request of every route vs [limits] cpu_ms = ${WORKER_LIMITS.cpuMs.value}`,
  async run(ctx: BenchContext) {
    const perRoute = ctx.quick ? 10 : 40;
    const api = await ctx.build("api");
    // Telemetry on exports every second, so a good share of the timed requests carry a metrics flush in waitUntil.
    const proxy = await startOtlpProxy();
    let results: RouteResult[] = [];
    try {
      const runs: { variant: Variant; only?: RegExp }[] = [
        { variant: offVariant(api) },
        { variant: { ...offVariant(api), name: ONE_WORKER, config: oneWorkerConfig(api) }, only: WRITE_ROUTE },
        { variant: { ...offVariant(api, { FLAGS_KV_KEY: QC_OFF_FLAGS }), name: QC_OFF, kv: { [QC_OFF_FLAGS]: JSON.stringify({ queryCacheDisabled: true }) } }, only: METADATA_ROUTE },
        { variant: onVariant(api, proxy.base, { OTEL_METRIC_EXPORT_INTERVAL: "1000", OTEL_TRACES_SAMPLER_ARG: "1" }) },
      ];
      for (const { variant, only } of runs) {
        ctx.log(`cpu: ${variant.name}: ${perRoute + 1} requests of each ${only ? `route matching ${only}` : "route"}, one at a time`);
        const worker = await startWorkerd(variant, { cpus: ctx.cpus?.worker });
        let measured: RouteResult[];
        try {
          measured = await measureVariant(worker, perRoute, only);
        } finally {
          await worker.stop();
        }
        results.push(...measured);
      }
    } finally {
      await proxy.close();
    }
    const limit = WORKER_LIMITS.cpuMs.value;
    const median = (variant: string, route: string) => quantile(results.find((r) => r.variant === variant && r.route === route)!.warmMs, 0.5);
    const splitCost = results
      .filter((r) => r.variant === "off" && WRITE_ROUTE.test(r.route))
      .map((r) => ({ route: r.route, deltaMs: median("off", r.route) - median(ONE_WORKER, r.route) }));
    const meanDelta = splitCost.reduce((a, r) => a + r.deltaMs, 0) / Math.max(1, splitCost.length);
    const kvLayer = ["GET /api/secrets/:id (cold: D1, fills)", "GET /api/secrets/:id (edge hit)"].map((route) => ({ route, deltaMs: median("off", route) - median(QC_OFF, route) }));
    const telemetryShare = results
      .filter((r) => r.variant === "off")
      .map((r) => ({ route: r.route, deltaMs: median("on", r.route) - median("off", r.route) }));
    const all = results;
    results = results.filter((r) => r.variant === "off" || r.variant.startsWith("on"));
    const rows = all.map((r) => [r.route, r.variant, r.warmMs.length, num(quantile(r.warmMs, 0.5)), num(quantile(r.warmMs, 0.9)), num(quantile(r.warmMs, 0.99)), num(Math.max(...r.warmMs)), num(r.firstMs)]);
    const heaviest = results.reduce((a, b) => (quantile(b.warmMs, 0.5) > quantile(a.warmMs, 0.5) ? b : a));
    const heaviestMedian = quantile(heaviest.warmMs, 0.5);
    const tail = results.reduce((a, b) => (quantile(b.warmMs, 0.99) > quantile(a.warmMs, 0.99) ? b : a));
    const warmOver = results.reduce((n, r) => n + r.warmMs.filter((ms) => ms > limit).length, 0);
    const warmTotal = results.reduce((n, r) => n + r.warmMs.length, 0);
    const firstOver = results.filter((r) => r.firstMs > limit);
    const targets: TargetCheck[] = [
      { name: `heaviest route's median CPU per request (upper bound) <= cpu_ms`, target: `<= ${limit} ms`, measured: `${num(heaviestMedian)} ms (${heaviest.route}, telemetry ${heaviest.variant})`, pass: heaviestMedian <= limit },
    ];
    const body = [
      `Every route of the API, one request at a time against the API and write Worker bundles as deployed, in one workerd (bench/lib/workerd.ts, no wrangler dev proxy; the CPU of a write is both Workers' CPU; ${perRoute} timed requests per route after its first), telemetry off and on (on: \`OTEL_METRIC_EXPORT_INTERVAL=1000\` and every trace sampled, so many timed requests carry a metrics, logs and traces flush in \`waitUntil\`).`,
      `CPU is the Worker's workerd process's scheduler time (\`/proc/<pid>/task/*/schedstat\`, nanoseconds) from just before the request is sent until ${DRAIN_MS} ms after its response, when its \`waitUntil\` work has drained; requests are ${GAP_MS} ms apart so the write-behind alarm (the counter's own invocation on Cloudflare) falls between windows.`,
      "This is an upper bound of what Cloudflare bills as the Worker's CPU time: locally the same process (one thread) also runs the D1, KV and Cache API simulators and the Durable Objects.",
      "V8's sampling profiler (bench/lib/cpu-profile.ts) cannot replace this for one request at a time: between requests workerd's thread is reported as `(program)`, not idle, so a profile of spaced requests charges the gaps to the Worker.",
      "",
      table(["route", "telemetry", "n", "median ms", "p90 ms", "p99 ms", "max ms", "first request ms"], rows),
      "",
      `Slowest tail: p99 ${num(quantile(tail.warmMs, 0.99))} ms (${tail.route}, telemetry ${tail.variant}). Warm requests over ${limit} ms: ${warmOver} of ${warmTotal}. First request of a route in a fresh isolate over ${limit} ms: ${firstOver.length ? firstOver.map((r) => `${r.route} (${r.variant}, ${num(r.firstMs)} ms)`).join("; ") : "none"}.`,
      "A route's first request in an isolate compiles its code path (V8 compiles functions lazily), which costs more than any later one; an isolate serves many requests, so it is not the figure to size `cpu_ms` by, but it is the request a low limit would cut first.",
      "",
      `**What the split costs per write.** "${ONE_WORKER}" is the same bundle without the WRITER binding (writes to D1 in the API Worker, the design before the split), telemetry off. Median CPU per write, split minus one Worker (both Workers' CPU, as Cloudflare bills a service-binding call: one request, the CPU of both): ${splitCost.map((r) => `${r.route} ${num(r.deltaMs)} ms`).join("; ")}; mean ${num(meanDelta)} ms, i.e. $${num(meanDelta * PRICES.workersCpuPerMillionMs.value)} per million writes at $${PRICES.workersCpuPerMillionMs.value}/M CPU ms. The call itself adds $${PRICES.workersServiceBindingRequestsPerMillion.value} per million in request fees (catalog: service-binding calls are not billed as requests).`,
      "",
      `**Where the heaviest route's CPU goes.** Telemetry (on minus off, median): ${telemetryShare.map((r) => `${r.route} ${num(r.deltaMs)} ms`).join("; ")}. The KV query cache and its read-heat counters ("${QC_OFF}": flag \`queryCacheDisabled\`, same bundle, telemetry off, minus off): ${kvLayer.map((r) => `${r.route} ${num(r.deltaMs)} ms`).join("; ")}. The floor every request pays (routing, middleware, workerd's HTTP) is the no-I/O 404's ${num(median("off", "GET /api/secrets/:id (404, no I/O)"))} ms.`,
      "",
      table(["target", "wanted", "measured", "result"], targets.map((t) => [t.name, t.target, t.measured, passMark(t.pass)])),
    ].join("\n");
    return { body, targets, headlines: [`CPU (upper bound incl. local simulators): heaviest route's median ${num(heaviestMedian)} ms per request (${heaviest.route}, telemetry ${heaviest.variant}) vs cpu_ms ${limit}; ${warmOver} of ${warmTotal} warm requests over.`] };
  },
};
