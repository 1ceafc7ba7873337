// 6. Memory: the Worker isolate's live heap (after a full GC) and workerd's resident memory over 100k requests,
//    telemetry on vs off (flat is the target).
import { FLAT_HEAP_TOLERANCE_BYTES, openInspector, type InspectorSession } from "../../scripts/dev/workerd-heap.ts";
import { createSecret, requestFor } from "../lib/api.ts";
import { num, passMark, table } from "../lib/format.ts";
import { measure, sleep } from "../lib/measure.ts";
import { startOtlpProxy } from "../lib/otlp-proxy.ts";
import { rssKiB } from "../lib/proc.ts";
import { median } from "../lib/stats.ts";
import type { BenchContext, Comparison, TargetCheck } from "../lib/types.ts";
import { offVariant, onVariant, requireTelemetryWired } from "../lib/variants.ts";
import { startWorkerd } from "../lib/workerd.ts";
import type { RunningWorker } from "../lib/variant-worker.ts";

const TARGET_REQUESTS = 100_000;
/** RSS growth is reported, not judged: workerd keeps the simulators' SQLite pages and allocator slack once grown. */
const TAIL_CHECKPOINTS = 3;
const CONNECTIONS = 10;

interface Checkpoint {
  chunk: number;
  variant: string;
  requests: number;
  rssKiB: number;
  /** Live V8 heap of the Worker's isolate after a full GC, bytes. */
  heapBytes: number;
  rps: number;
}

/** Least-squares slope of a value over cumulative requests, per 10k requests. */
function slopePer10k(points: Checkpoint[], value: (p: Checkpoint) => number): number {
  if (points.length < 2) return NaN;
  const xs = points.map((p) => p.requests);
  const ys = points.map(value);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  const sxy = xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0);
  return sxx ? (sxy / sxx) * 10_000 : NaN;
}

export const memory: Comparison = {
  id: "memory",
  title: "Memory over 100k requests, telemetry on vs off",
  async run(ctx: BenchContext) {
    requireTelemetryWired();
    const vm = await ctx.metricsStore();
    const api = await ctx.build("api");
    const proxy = await startOtlpProxy(vm.otlpMetricsUrl);
    const chunks = ctx.quick ? 2 : 5;
    // Bounded in count (and, through the load child's own limit, in time): TARGET_REQUESTS per variant in all.
    const chunkRequests = ctx.quick ? 2_000 : TARGET_REQUESTS / chunks;
    const warmupRequests = ctx.quick ? 500 : 2_000;
    const workers: RunningWorker[] = [];
    const inspectors = new Map<RunningWorker, InspectorSession>();
    const points: Checkpoint[] = [];
    const baseline = new Map<string, Checkpoint>();
    try {
      // One workerd per variant (the Worker alone, as the overhead comparison), its own inspector on for the heap readings.
      // Unpinned: memory does not depend on placement, and both cores give more requests in the time budget.
      workers.push(await startWorkerd(offVariant(api), { inspector: true }));
      workers.push(await startWorkerd(onVariant(api, proxy.base), { inspector: true }));
      for (const w of workers) inspectors.set(w, await openInspector(w.inspectorPort));
      const ids = new Map<string, string>();
      for (const w of workers) ids.set(w.variant.name, await createSecret(w.url, null));
      const load = (w: RunningWorker, amount: number) => {
        const id = ids.get(w.variant.name)!;
        const meta = requestFor("metadata", id);
        return measure(w, { connections: CONNECTIONS, amount, requests: [meta, meta, meta, requestFor("reveal", id)] });
      };
      // RSS first: the heap snapshot that forces the GC makes workerd allocate for a moment.
      const sample = async (w: RunningWorker) => ({ rssKiB: rssKiB(w.workerdPid), heapBytes: (await inspectors.get(w)!.heapAfterGc()).usedBytes });
      const total = new Map<string, number>();
      for (const w of workers) {
        const r = await load(w, warmupRequests);
        total.set(w.variant.name, r.ok);
      }
      await sleep(1000);
      for (const w of workers) {
        const cp = { chunk: 0, variant: w.variant.name, requests: total.get(w.variant.name)!, ...(await sample(w)), rps: NaN };
        baseline.set(w.variant.name, cp);
        points.push(cp);
      }
      for (let chunk = 1; chunk <= chunks; chunk++) {
        // Both variants under load at once (one core each, unpinned): the 2 x 100k requests take a third less time than in
        // turn, and each gets the same share of the machine. Then each is sampled, idle.
        const results = await Promise.all(workers.map((w) => load(w, chunkRequests)));
        for (const [i, w] of workers.entries()) {
          const r = results[i]!;
          const n = total.get(w.variant.name)! + r.ok;
          total.set(w.variant.name, n);
          const cp = { chunk, variant: w.variant.name, requests: n, ...(await sample(w)), rps: r.rps };
          points.push(cp);
          ctx.log(`chunk ${chunk} ${w.variant.name}: ${n} requests, live heap ${num(cp.heapBytes / (1024 * 1024))} MiB, RSS ${num(cp.rssKiB / 1024)} MiB`);
        }
      }
    } finally {
      for (const session of inspectors.values()) session.close();
      for (const w of workers) await w.stop();
      await proxy.close();
    }
    const MiB = 1024 * 1024;
    const summaryRows: string[][] = [];
    const heapGrowth = new Map<string, number>();
    const rssGrowth = new Map<string, number>();
    for (const v of ["off", "on"]) {
      const mine = points.filter((p) => p.variant === v);
      const b = baseline.get(v)!;
      const end = mine[mine.length - 1]!;
      heapGrowth.set(v, end.heapBytes - b.heapBytes);
      const rssTail = median(mine.slice(-Math.min(TAIL_CHECKPOINTS, mine.length - 1)).map((p) => p.rssKiB));
      rssGrowth.set(v, (rssTail - b.rssKiB) / 1024);
      summaryRows.push([
        v, num(end.requests), num(b.heapBytes / MiB), num(end.heapBytes / MiB), num((end.heapBytes - b.heapBytes) / MiB), num(slopePer10k(mine, (p) => p.heapBytes) / MiB),
        num(b.rssKiB / 1024), num(end.rssKiB / 1024), num(rssGrowth.get(v)!),
      ]);
    }
    const reached = Math.min(...["off", "on"].map((v) => points.filter((p) => p.variant === v).pop()!.requests));
    const targets: TargetCheck[] = ["off", "on"].map((v) => ({
      name: `Worker isolate live heap growth, telemetry ${v}, warm-up to ${num(points.filter((p) => p.variant === v).pop()!.requests)} requests`,
      target: `flat: <= ${num(FLAT_HEAP_TOLERANCE_BYTES / MiB)} MiB over >= ${num(TARGET_REQUESTS)} requests`,
      measured: `${heapGrowth.get(v)! >= 0 ? "+" : ""}${num(heapGrowth.get(v)! / MiB)} MiB`,
      pass: reached < TARGET_REQUESTS ? null : heapGrowth.get(v)! <= FLAT_HEAP_TOLERANCE_BYTES,
    }));
    const body = [
      `Fresh off and on instances of the API bundle (on exports to the Grafana Cloud stand-in through the counting receiver at the catalog's`,
      `default interval and sampling). After a warm-up of ${num(warmupRequests)} requests, both get chunks at the same time`,
      `of ${num(chunkRequests)} requests of closed-loop load from ${CONNECTIONS} connections, each connection cycling three metadata GETs and one`,
      `reveal of an unlimited-view secret: ${reached >= TARGET_REQUESTS ? `both variants served ${num(TARGET_REQUESTS)} requests or more` : `**the slower variant reached ${num(reached)} requests, short of ${num(TARGET_REQUESTS)}**`}.`,
      `Each variant runs in one workerd through Miniflare's API (bench/lib/workerd.ts), no wrangler dev. After every chunk: VmRSS of`,
      `the workerd (/proc/PID/status), then the isolate's live V8 heap through workerd's own inspector, one session held for the`,
      `whole run (a heap snapshot forces a full GC, then Runtime.getHeapUsage). The heap is what the Worker's code retains; it is`,
      `the figure judged. RSS is reported, not judged: it also holds the local D1/KV/Cache/Durable Object simulators' SQLite pages`,
      `and allocator slack, which workerd keeps once grown.`,
      "",
      table(["variant", "requests", "live heap after warm-up MiB", "live heap at end MiB", "heap growth MiB", "heap slope MiB per 10k requests", "RSS after warm-up MiB", "RSS at end MiB", `RSS growth MiB (median of last ${TAIL_CHECKPOINTS} checkpoints − warm-up)`], summaryRows),
      "",
      table(["target", "wanted", "measured", "result"], targets.map((t) => [t.name, t.target, t.measured, passMark(t.pass)])),
      "",
      "### Checkpoints",
      "",
      table(["chunk", "variant", "cumulative 2xx requests", "req/s in chunk", "live heap MiB", "workerd RSS MiB"], points.map((p) => [p.chunk, p.variant, p.requests, num(p.rps), num(p.heapBytes / MiB), num(p.rssKiB / 1024)])),
    ].join("\n");
    return {
      body,
      targets,
      headlines: [
        `Memory: over ${num(reached)}+ requests the Worker isolate's live heap after GC grew ${num(heapGrowth.get("on")! / MiB)} MiB with telemetry on and ${num(heapGrowth.get("off")! / MiB)} MiB off; workerd RSS grew ${num(rssGrowth.get("on")!)} vs ${num(rssGrowth.get("off")!)} MiB.`,
      ],
    };
  },
};
