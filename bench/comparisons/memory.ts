// 6. Memory: resident memory of the Worker's workerd over ~100k requests, telemetry on vs off (flat is the target).
import { createSecret, requestFor } from "../lib/api.ts";
import { num, passMark, table } from "../lib/format.ts";
import { measure, rotation, sleep } from "../lib/measure.ts";
import { startOtlpProxy } from "../lib/otlp-proxy.ts";
import { rssKiB } from "../lib/proc.ts";
import { median } from "../lib/stats.ts";
import type { BenchContext, Comparison, TargetCheck } from "../lib/types.ts";
import { offVariant, onVariant, requireTelemetryWired } from "../lib/variants.ts";
import { startWorker, type RunningWorker } from "../lib/wrangler-dev.ts";

const TARGET_REQUESTS = 100_000;
/**
 * "Flat": telemetry-on growth after warm-up exceeds telemetry-off's by at most this share of off's RSS (floor below).
 * V8's garbage collector moves RSS by tens of MiB between checkpoints (measured here: off swung 392 -> 358 MiB), so a
 * fixed few MiB would judge GC timing; the anchor to beat doubled its memory.
 */
const FLAT_TOLERANCE_SHARE = 0.1;
const FLAT_TOLERANCE_FLOOR_MIB = 16;
/** Growth is judged on the median of the last checkpoints, not the last one alone (GC timing again). */
const TAIL_CHECKPOINTS = 3;
const CONNECTIONS = 10;

interface Checkpoint {
  chunk: number;
  variant: string;
  requests: number;
  rssKiB: number;
  proxyRssKiB: number;
  rps: number;
}

/** Least-squares slope of RSS over cumulative requests, KiB per 10k requests. */
function slopePer10k(points: Checkpoint[]): number {
  if (points.length < 2) return NaN;
  const xs = points.map((p) => p.requests);
  const ys = points.map((p) => p.rssKiB);
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
    const vm = await ctx.victoria();
    const api = await ctx.build("api");
    const proxy = await startOtlpProxy(vm.otlpMetricsUrl);
    const chunks = ctx.quick ? 2 : 5;
    // Bounded in time: each chunk runs this long; the request count reached is reported, not assumed.
    const chunkSec = ctx.quick ? 5 : 25;
    const workers: RunningWorker[] = [];
    const points: Checkpoint[] = [];
    const baseline = new Map<string, Checkpoint>();
    try {
      // Unpinned: memory does not depend on placement, and both cores give more requests in the time budget.
      workers.push(await startWorker(offVariant(api)));
      workers.push(await startWorker(onVariant(api, proxy.base)));
      const ids = new Map<string, string>();
      for (const w of workers) ids.set(w.variant.name, await createSecret(w.url, null));
      const load = (w: RunningWorker, durationSec: number) => {
        const id = ids.get(w.variant.name)!;
        const meta = requestFor("metadata", id);
        return measure(w, { connections: CONNECTIONS, durationSec, requests: [meta, meta, meta, requestFor("reveal", id)] }, ctx.cpus?.load);
      };
      const total = new Map<string, number>();
      for (const w of workers) {
        const r = await load(w, ctx.quick ? 2 : 5);
        total.set(w.variant.name, r.ok);
      }
      await sleep(1000);
      for (const w of workers) {
        const cp = { chunk: 0, variant: w.variant.name, requests: total.get(w.variant.name)!, rssKiB: rssKiB(w.workerdPid), proxyRssKiB: rssKiB(w.proxyPid), rps: NaN };
        baseline.set(w.variant.name, cp);
        points.push(cp);
      }
      for (let chunk = 1; chunk <= chunks; chunk++) {
        for (const w of rotation(workers, chunk)) {
          const r = await load(w, chunkSec);
          const n = total.get(w.variant.name)! + r.ok;
          total.set(w.variant.name, n);
          const cp = { chunk, variant: w.variant.name, requests: n, rssKiB: rssKiB(w.workerdPid), proxyRssKiB: rssKiB(w.proxyPid), rps: r.rps };
          points.push(cp);
          ctx.log(`chunk ${chunk} ${w.variant.name}: ${n} requests, RSS ${num(cp.rssKiB / 1024)} MiB (proxy ${num(cp.proxyRssKiB / 1024)} MiB)`);
        }
      }
    } finally {
      for (const w of workers) await w.stop();
      await proxy.close();
    }
    const summaryRows: string[][] = [];
    const growth = new Map<string, number>();
    const tails = new Map<string, number>();
    for (const v of ["off", "on"]) {
      const mine = points.filter((p) => p.variant === v);
      const b = baseline.get(v)!;
      const end = mine[mine.length - 1]!;
      const tail = median(mine.slice(-Math.min(TAIL_CHECKPOINTS, mine.length - 1)).map((p) => p.rssKiB));
      const grew = (tail - b.rssKiB) / 1024;
      tails.set(v, tail / 1024);
      growth.set(v, grew);
      summaryRows.push([v, num(end.requests), num(b.rssKiB / 1024), num(end.rssKiB / 1024), num(grew), num(slopePer10k(mine) / 1024), num(end.proxyRssKiB / 1024)]);
    }
    const onGrowth = growth.get("on")!;
    const offGrowth = growth.get("off")!;
    const onRequests = points.filter((p) => p.variant === "on").pop()!.requests;
    const tolerance = Math.max(FLAT_TOLERANCE_FLOOR_MIB, FLAT_TOLERANCE_SHARE * (tails.get("off") ?? NaN));
    const targets: TargetCheck[] = [{
      name: `workerd RSS growth, on vs off, after ${num(onRequests)} requests`,
      target: `flat: on grows <= off + ${FLAT_TOLERANCE_SHARE * 100}% of off's RSS (${num(tolerance)} MiB)`,
      measured: `on +${num(onGrowth)} MiB, off +${num(offGrowth)} MiB`,
      pass: Number.isFinite(onGrowth) && Number.isFinite(offGrowth) ? onGrowth <= offGrowth + tolerance : null,
    }];
    const reached = Math.min(...[...growth.keys()].map((v) => points.filter((p) => p.variant === v).pop()!.requests));
    const body = [
      `Fresh off and on instances of the API bundle (on exports to VictoriaMetrics through the counting receiver at the catalog's`,
      `default interval and sampling). After a warm-up, both get alternating chunks (A B, then B A, ...) of ${chunkSec} s of`,
      `closed-loop load from ${CONNECTIONS} connections, each connection cycling three metadata GETs and one reveal of an unlimited-view`,
      `secret; VmRSS of the Worker's workerd (/proc/PID/status) is read after every chunk. Chunks are bounded in time, not in`,
      `count, so the bench stays bounded: ${reached >= TARGET_REQUESTS ? `both variants passed ${num(TARGET_REQUESTS)} requests` : `**the slower variant reached ${num(reached)} requests, short of ${num(TARGET_REQUESTS)}, on this machine; the slope column extrapolates**`}.`,
      `workerd processes are not pinned here (memory does not depend on placement; both cores give more requests).`,
      "",
      table(["variant", "requests", "RSS after warm-up MiB", "RSS at end MiB", `growth MiB (median of last ${TAIL_CHECKPOINTS} checkpoints − warm-up)`, "least-squares slope MiB per 10k requests", "proxy workerd RSS at end MiB"], summaryRows),
      "",
      table(["target", "wanted", "measured", "result"], targets.map((t) => [t.name, t.target, t.measured, passMark(t.pass)])),
      "",
      "### Checkpoints",
      "",
      table(["chunk", "variant", "cumulative 2xx requests", "req/s in chunk", "workerd RSS MiB", "proxy workerd RSS MiB"], points.map((p) => [p.chunk, p.variant, p.requests, num(p.rps), num(p.rssKiB / 1024), num(p.proxyRssKiB / 1024)])),
    ].join("\n");
    return {
      body,
      targets,
      headlines: [`Memory: after ${num(onRequests)} requests workerd RSS grew ${num(onGrowth)} MiB with telemetry on vs ${num(offGrowth)} MiB off.`],
    };
  },
};
