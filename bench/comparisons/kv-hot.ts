// 8. KV for hot data only (Rec. 5 "Smart KV Usage"): D1 reads, KV reads, KV writes and dollars per million metadata GETs
//    with the KV query cache promoting every read ("on", the layer before), off, and hot-only (the default), under a
//    realistic read distribution from several simulated locations.
import { COST_ASSUMPTIONS, EDGE_CACHE, KV_HOT_READS_PER_MINUTE, PLACEMENT_LATENCY, PRICES, REGIONS } from "../../catalog/index.ts";
import { UNLIMITED_RATE_VARS } from "../lib/api.ts";
import { buildVariant, type Built } from "../lib/build.ts";
import { cpuNs } from "../lib/cpu-time.ts";
import { num, passMark, table } from "../lib/format.ts";
import { sleep } from "../lib/measure.ts";
import type { BenchContext, Comparison, TargetCheck } from "../lib/types.ts";
import { startWorkerd } from "../lib/workerd.ts";
import type { RunningWorker, Variant } from "../lib/variant-worker.ts";
import type { BindingCounts } from "../variants/kv-counted.ts";

const FLAGS_KEY = "bench-flags";
/** The query cache's three modes, as operator flags (worker/cache/flags.ts). */
const MODES = [
  { name: "on (every read)", flags: { queryCacheEveryRead: true } },
  { name: "off", flags: { queryCacheDisabled: true } },
  { name: "hot-only", flags: {} },
] as const;
const CONCURRENCY = 8;
const TARGET_HOT_D1_READS_PER_1000 = 20;
const NOISE = 1.01;
const STEADY_TICK_MS = 2000;

/** Deterministic pseudo-random numbers (mulberry32), so every mode sees the same reads in the same order. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Workload {
  cold: number;
  hot: number;
  hotReads: number;
  locations: number;
  /** The reads in order: [secret index, location]. Cold secrets are 0..cold-1, hot ones after them. */
  reads: [number, number][];
  /** Seconds the hot secrets keep being read from every location after the mix (0 in a quick run). */
  steadySeconds: number;
}

/** Most secrets read once (70%) or twice (30%), a few read hundreds of times; each read from a random location. */
function workload(quick: boolean): Workload {
  const cold = quick ? 300 : 2000;
  const hot = quick ? 2 : 5;
  const hotReads = quick ? 200 : 300;
  const locations = 4;
  const rnd = random(7);
  const reads: [number, number][] = [];
  for (let s = 0; s < cold; s++) for (let r = rnd() < 0.7 ? 1 : 2; r > 0; r--) reads.push([s, Math.floor(rnd() * locations)]);
  for (let h = 0; h < hot; h++) for (let r = 0; r < hotReads; r++) reads.push([cold + h, Math.floor(rnd() * locations)]);
  for (let i = reads.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [reads[i], reads[j]] = [reads[j]!, reads[i]!];
  }
  return { cold, hot, hotReads, locations, reads, steadySeconds: quick ? 0 : EDGE_CACHE.maxAge.value + 30 };
}

/** Locations are simulated by host name: the bench variant gives each host its own Cache API (edge cache and read counters); KV and D1 are shared. */
const locationUrl = (location: number, path: string) => `http://location-${location}.bench${path}`;

async function get(worker: RunningWorker, location: number, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("MF-Original-URL", locationUrl(location, path));
  return fetch(`${worker.url}${path}`, { ...init, headers, signal: AbortSignal.timeout(30_000) });
}

async function createIds(worker: RunningWorker, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await get(worker, 0, "/api/secrets", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ciphertext: "c2VjcmV0", ttlSeconds: 86_400, maxViews: null }) });
    const body = (await res.json()) as { id?: string };
    if (res.status !== 201 || !body.id) throw new Error(`create failed: ${res.status}`);
    ids.push(body.id);
  }
  return ids;
}

/** Runs the reads, CONCURRENCY at a time, in order; every answer must be 200. */
async function runReads(worker: RunningWorker, reads: [string, number][]): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < reads.length) {
      const [id, location] = reads[next++]!;
      const res = await get(worker, location, `/api/secrets/${id}`);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`GET ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
}

/** What Cloudflare's Cache API does at max-age and Miniflare's does not (it adds stale-while-revalidate): see kv-counted.ts. */
async function expireEdge(worker: RunningWorker, urls: string[]): Promise<void> {
  const res = await fetch(`${worker.url}/__bench/expire-edge`, { method: "POST", body: JSON.stringify({ urls }) });
  if (!res.ok) throw new Error(`expire-edge: ${res.status}`);
}

const counts = async (worker: RunningWorker, reset = false): Promise<BindingCounts> =>
  (await (await fetch(`${worker.url}/__bench/counts`, { method: reset ? "POST" : "GET" })).json()) as BindingCounts;

/**
 * Marginal dollars (past the plans' allowances) per million metadata GETs: D1 rows read, query-cache KV reads and writes.
 * The flags key's reads are left out: one per isolate per FLAG_CACHE_TTL whatever the mode, they follow the run's length.
 */
function usdPerMillion(c: BindingCounts, gets: number): number {
  const usd = (c.d1RowsRead * PRICES.d1ReadsPerMillion.value + c.queryCacheKvReads * PRICES.kvReadsPerMillion.value + c.queryCacheKvWrites * PRICES.kvWritesPerMillion.value) / 1e6;
  return (usd / gets) * 1e6;
}

interface ModeResult {
  mode: string;
  gets: number;
  mix: BindingCounts;
  hotGets: number;
  hot: BindingCounts;
  /** The workerd's CPU per GET of the mix, ms: an upper bound (the local Cache API, KV and D1 simulators run in it too). */
  cpuMsPerGet: number;
}

async function runMode(built: Built, mode: (typeof MODES)[number], w: Workload, ctx: BenchContext): Promise<ModeResult> {
  const variant: Variant = { name: mode.name, config: built.config, vars: { ...UNLIMITED_RATE_VARS, FLAGS_KV_KEY: FLAGS_KEY }, kv: { [FLAGS_KEY]: JSON.stringify(mode.flags) } };
  const worker = await startWorkerd(variant, { cpus: ctx.cpus?.worker });
  try {
    const ids = await createIds(worker, w.cold + w.hot + 1);
    await counts(worker, true);
    const cpuBefore = cpuNs(worker.workerdPid);
    const mixStarted = Date.now();
    await runReads(worker, w.reads.map(([s, l]) => [ids[s]!, l]));
    let steadyGets = 0;
    if (w.steadySeconds > 0) {
      // The hot secrets stay hot past the edge cache's max-age: read from every location every STEADY_TICK_MS, their
      // edge entries expire while they are hot, and that edge miss per location is where KV can answer instead of D1.
      const hotReads = Array.from({ length: w.hot }, (_, h) => Array.from({ length: w.locations }, (_, l) => [ids[w.cold + h]!, l] as [string, number])).flat();
      let expired = false;
      for (const end = Date.now() + w.steadySeconds * 1000; Date.now() < end; ) {
        if (!expired && Date.now() - mixStarted >= EDGE_CACHE.maxAge.value * 1000) {
          await expireEdge(worker, hotReads.map(([id, l]) => locationUrl(l, `/api/secrets/${id}`)));
          expired = true;
        }
        const tick = sleep(STEADY_TICK_MS);
        await runReads(worker, hotReads);
        steadyGets += hotReads.length;
        await tick;
      }
    }
    const cpuMsPerGet = (cpuNs(worker.workerdPid) - cpuBefore) / 1e6 / (w.reads.length + steadyGets);
    const mix = await counts(worker, true);
    // Then 1,000 GETs of one more secret, from every location: the D1 reads a hot secret costs.
    const hotId = ids[ids.length - 1]!;
    const hotGets = 1000;
    await runReads(worker, Array.from({ length: hotGets }, (_, i) => [hotId, i % w.locations] as [string, number]));
    const hot = await counts(worker);
    ctx.log(`kv-hot: ${mode.name}: ${w.reads.length + steadyGets} GETs: ${JSON.stringify(mix)}; hot: ${JSON.stringify(hot)}`);
    return { mode: mode.name, gets: w.reads.length + steadyGets, mix, hotGets, hot, cpuMsPerGet };
  } finally {
    await worker.stop();
  }
}

export const kvHot: Comparison = {
  id: "kv-hot",
  title: "KV for hot data only: D1 reads, KV operations and $ per million metadata GETs, query cache on / off / hot-only",
  async run(ctx: BenchContext) {
    const built = await buildVariant("kv-counted", "wrangler.toml", "bench/variants/kv-counted.ts");
    const w = workload(ctx.quick);
    const results: ModeResult[] = [];
    for (const mode of MODES) results.push(await runMode(built, mode, w, ctx));
    const by = (name: string) => results.find((r) => r.mode === name)!;
    const per1000 = (n: number, gets: number) => (n / gets) * 1000;
    const rows = results.map((r) => [
      r.mode, r.gets, num(per1000(r.mix.d1Reads, r.gets)), num(per1000(r.mix.queryCacheKvReads, r.gets)), num(per1000(r.mix.otherKvReads, r.gets)),
      num(per1000(r.mix.queryCacheKvWrites, r.gets)), `$${num(usdPerMillion(r.mix, r.gets))}`, num(per1000(r.hot.d1Reads, r.hotGets)), `$${num(usdPerMillion(r.hot, r.hotGets))}`, num(r.cpuMsPerGet),
    ]);
    const hotOnly = by("hot-only");
    const off = by("off");
    const hotUsd = usdPerMillion(hotOnly.mix, hotOnly.gets);
    const offUsd = usdPerMillion(off.mix, off.gets);
    const onUsd = usdPerMillion(by("on (every read)").mix, by("on (every read)").gets);
    const hotD1 = per1000(hotOnly.hot.d1Reads, hotOnly.hotGets);
    const promotionsPerGet = hotOnly.mix.queryCacheKvWrites / hotOnly.gets;
    const kvHits = hotOnly.mix.queryCacheKvReads - hotOnly.mix.queryCacheKvWrites;
    const targets: TargetCheck[] = [
      // Concurrent cold misses make the D1 reads of the same design differ by one or two between runs: 1% is that noise.
      { name: "hot-only costs no more than off ($ per million GETs, D1 + KV; within 1%, the noise of concurrent misses)", target: `<= $${num(offUsd * NOISE)}`, measured: `$${num(hotUsd)}`, pass: hotUsd <= offUsd * NOISE },
      { name: "hot-only: D1 reads per 1,000 GETs of a hot secret", target: `<= ${TARGET_HOT_D1_READS_PER_1000}`, measured: num(hotD1), pass: hotD1 <= TARGET_HOT_D1_READS_PER_1000 },
      { name: "the cost model's default KV writes per request covers the measured promotion rate", target: `>= ${num(promotionsPerGet, 4)} (measured)`, measured: `${COST_ASSUMPTIONS.kvWrites.value} (COST_ASSUMPTIONS.kvWrites)`, pass: COST_ASSUMPTIONS.kvWrites.value >= promotionsPerGet },
    ];
    const body = [
      `The API bundle with its D1 reads counted by the store's query observer and its KV operations counted at the binding (bench/variants/kv-counted.ts), in one workerd per mode, edge cache on in all three. Modes are operator flags: on = \`{"queryCacheEveryRead":true}\` (every edge miss reads KV and fills it: the layer before), off = \`{"queryCacheDisabled":true}\`, hot-only = \`{}\` (the default: KV only for secrets read more than ${KV_HOT_READS_PER_MINUTE.value} times a minute in an isolate or a location).`,
      `Workload, the same in every mode: ${w.cold} secrets read once (70%) or twice (30%) and ${w.hot} hot secrets read ${w.hotReads} times each, ${w.reads.length} GETs in one shuffled order, ${CONCURRENCY} at a time, each from one of ${w.locations} simulated locations${w.steadySeconds ? `; then for ${w.steadySeconds} s every hot secret is read from every location every ${STEADY_TICK_MS / 1000} s (${(60_000 / STEADY_TICK_MS)} reads a minute per location: hot), so their edge entries expire while they are hot (${EDGE_CACHE.maxAge.value} s after the mix began; the bench drops them then, as Cloudflare's Cache API would at max-age, because Miniflare's keeps them for max-age + stale-while-revalidate), which is where KV can answer an edge miss` : ""} (a host name per location: the Cache API, where the edge cache and the read counters live, is keyed by URL; KV and D1 are shared). Then 1,000 GETs of one more secret spread over all locations: what a hot secret costs.`,
      `Dollars are marginal (past the plans' allowances) from catalog/prices.ts: D1 $${PRICES.d1ReadsPerMillion.value}/M rows read, KV $${PRICES.kvReadsPerMillion.value}/M reads and $${PRICES.kvWritesPerMillion.value}/M writes; the Worker request itself ($${PRICES.workersRequestsPerMillion.value}/M) is the same in every mode and left out. The flags key's KV reads (once per 10 s per isolate, whatever the mode: they follow the run's length, not its reads) are shown apart and left out of the dollars.`,
      "",
      table(["mode", "GETs", "D1 reads /1k GETs", "query-cache KV reads /1k", "flags KV reads /1k", "KV writes /1k", "$ per M GETs (mix)", "D1 reads /1k hot GETs", "$ per M hot GETs", "CPU ms per GET (upper bound)"], rows),
      "",
      `What hot-only buys for its extra $${num(hotUsd - offUsd)} per million GETs over off: ${num(kvHits)} of its ${hotOnly.gets} GETs (${num((kvHits / hotOnly.gets) * 100, 2)}%) were answered from KV (query-cache KV reads minus promotions) instead of a D1 read, i.e. ~${PLACEMENT_LATENCY.kv.value} ms instead of a round trip to the primary (${REGIONS.map((r) => `${r.toUpperCase()} ${PLACEMENT_LATENCY.rttToPrimary[r].value} ms`).join(", ")}: catalog/placement.ts), and ${num(off.mix.d1Reads - hotOnly.mix.d1Reads)} fewer D1 reads; off already keeps a hot secret at ${num(per1000(off.hot.d1Reads, off.hotGets))} D1 reads per 1,000 GETs (the edge cache alone), inside the <= ${TARGET_HOT_D1_READS_PER_1000} target. CPU: counting heat costs hot-only ${num(hotOnly.cpuMsPerGet - off.cpuMsPerGet)} ms more per GET than off in this upper bound, $${num((hotOnly.cpuMsPerGet - off.cpuMsPerGet) * PRICES.workersCpuPerMillionMs.value)} per million GETs at $${PRICES.workersCpuPerMillionMs.value}/M CPU ms (not in the dollar column: the local simulators' CPU is in it).`,
      "",
      `Promotion rate measured in hot-only: ${num(promotionsPerGet, 4)} KV writes per metadata GET (the cost model's default assumes ${COST_ASSUMPTIONS.kvWrites.value} per request; \`moltsecret cost --prometheus-url\` measures it from \`moltsecret_cache_kv_writes_total\`).`,
      "",
      table(["target", "wanted", "measured", "result"], targets.map((t) => [t.name, t.target, t.measured, passMark(t.pass)])),
    ].join("\n");
    return {
      body,
      targets,
      headlines: [`KV hot-only: $${num(hotUsd)} per million metadata GETs vs $${num(offUsd)} off and $${num(onUsd)} promoting every read; ${num(hotD1)} D1 reads per 1,000 hot GETs.`],
    };
  },
};
