// 1. Instrumentation overhead: telemetry off vs on (exporting to the Grafana Cloud stand-in, vmagent -> Prometheus,
//    default sampling) vs @microlabs/otel-cf-workers alone at its defaults; create, metadata GET and reveal. Measured
//    twice: in one workerd per variant (Miniflare's API: the Worker alone) and under wrangler dev (the local dev path).
import { ENDPOINTS, createSecret, requestFor, type Endpoint } from "../lib/api.ts";
import { num, passMark, ratio, spread, table } from "../lib/format.ts";
import { measure, rotation, type Measured } from "../lib/measure.ts";
import { startOtlpProxy, type OtlpProxy } from "../lib/otlp-proxy.ts";
import { pairedRatio, summary } from "../lib/stats.ts";
import { NotMeasurable, type BenchContext, type Comparison, type TargetCheck } from "../lib/types.ts";
import { DEFAULT_EXPORT_INTERVAL_MS, DEFAULT_TRACE_RATIO, offVariant, onVariant, otelCfOnlyVariant, requireTelemetryWired } from "../lib/variants.ts";
import { startWorkerd } from "../lib/workerd.ts";
import { startWorker, type RunningWorker, type Variant } from "../lib/variant-worker.ts";

const TARGET_THROUGHPUT = 0.95;
const TARGET_P99 = 1.1;
const CONNECTIONS = 10;

interface Row extends Measured {
  round: number;
  variant: string;
  endpoint: Endpoint;
}

type Launcher = (variant: Variant, opts: { cpus?: string }) => Promise<RunningWorker>;

interface Harness {
  id: string;
  title: string;
  /** How the summary headline begins (the README quotes the one-workerd one). */
  headline: string;
  start: Launcher;
  /** How the variants run, for the method paragraph. */
  method: string;
  rounds(ctx: BenchContext): number;
  durationSec(ctx: BenchContext): number;
  /** Whether the otel-cf-workers-only anchor runs too. */
  anchor: boolean;
  /** Whether the issue's targets are judged on this harness (the one-workerd one) or it is shown for comparison. */
  judged: boolean;
}

const HARNESSES: Record<"workerd" | "wranglerDev", Harness> = {
  workerd: {
    id: "overhead",
    title: "Instrumentation overhead, one workerd per variant (the Worker itself)",
    headline: "Overhead in one workerd",
    start: startWorkerd,
    rounds: (ctx) => ctx.rounds,
    durationSec: (ctx) => (ctx.quick ? 2 : 4),
    anchor: true,
    judged: true,
    method: "Each variant's frozen bundle runs in its own workerd through Miniflare's API (bench/lib/workerd.ts): the bindings of its wrangler config, migrations applied, no inspector, no wrangler dev proxy, the Worker's stdout drained as Workers Logs would take it. The proxy and wrangler Node columns are n/a: there are no such processes.",
  },
  wranglerDev: {
    id: "overhead-wrangler-dev",
    title: "Instrumentation overhead under wrangler dev (the local dev path, not the Worker alone)",
    headline: "Overhead under wrangler dev (the local dev path, for comparison)",
    start: startWorker,
    // A comparison beside the one-workerd figures, not the targets: fewer, shorter rounds and no anchor keep the run short.
    rounds: (ctx) => Math.min(ctx.rounds, 3),
    durationSec: (ctx) => (ctx.quick ? 2 : 3),
    anchor: false,
    judged: false,
    method: "Each variant runs under `wrangler dev --local` (bench/lib/variant-worker.ts, through scripts/dev/wrangler-dev.mjs): every request also crosses wrangler's proxy workerd, and wrangler's inspector forwards the Worker's console lines and subrequest events to its Node process.",
  },
};

const overheadComparison = (harness: Harness): Comparison => ({
  id: harness.id,
  title: harness.title,
  async run(outer: BenchContext) {
    const { start, method } = harness;
    const ctx = { ...outer, rounds: harness.rounds(outer) };
    const skipped: string[] = [];
    const api = await ctx.build("api");
    const wanted: { name: string; start: (proxy: OtlpProxy) => ReturnType<typeof startWorker> }[] = [
      { name: "off", start: () => start(offVariant(api), { cpus: ctx.cpus?.worker }) },
    ];
    let onProxy: OtlpProxy | null = null;
    let cfProxy: OtlpProxy | null = null;
    try {
      requireTelemetryWired();
      onProxy = await startOtlpProxy((await ctx.metricsStore()).otlpMetricsUrl);
      wanted.push({ name: "on", start: (p) => start(onVariant(api, p.base), { cpus: ctx.cpus?.worker }) });
    } catch (e) {
      if (!(e instanceof NotMeasurable)) throw e;
      skipped.push(`telemetry on: ${e.message}`);
    }
    if (harness.anchor) {
      const cf = await ctx.build("otel-cf-only");
      cfProxy = await startOtlpProxy();
      wanted.push({ name: "otel-cf-only", start: (p) => start(otelCfOnlyVariant(cf, `${p.base}/v1/traces`), { cpus: ctx.cpus?.worker }) });
    }
    if (wanted.length < 2) throw new NotMeasurable(skipped.join("; "));

    const proxies: Record<string, OtlpProxy | null> = { off: null, on: onProxy, "otel-cf-only": cfProxy };
    const workers: RunningWorker[] = [];
    const secrets = new Map<string, string>();
    const durationSec = harness.durationSec(ctx);
    const rows: Row[] = [];
    let loadStart = 0;
    let loadEnd = 0;
    try {
      for (const w of wanted) {
        ctx.log(`starting ${w.name}`);
        const worker = await w.start(proxies[w.name] ?? (cfProxy as OtlpProxy));
        workers.push(worker);
        secrets.set(w.name, await createSecret(worker.url, null));
      }
      ctx.log("warm-up");
      for (const worker of workers) {
        for (const endpoint of ENDPOINTS) {
          await measure(worker, { connections: CONNECTIONS, durationSec: 1, requests: [requestFor(endpoint, secrets.get(worker.variant.name)!)] }, ctx.cpus?.load);
        }
      }
      loadStart = Date.now();
      for (let round = 0; round < ctx.rounds; round++) {
        for (const endpoint of ENDPOINTS) {
          for (const worker of rotation(workers, round)) {
            const name = worker.variant.name;
            const m = await measure(worker, { connections: CONNECTIONS, durationSec, requests: [requestFor(endpoint, secrets.get(name)!)] }, ctx.cpus?.load);
            rows.push({ ...m, round: round + 1, variant: name, endpoint });
            ctx.log(`round ${round + 1} ${endpoint} ${name}: ${num(m.rps)} req/s p50 ${num(m.p50Ms)} ms p99 ${num(m.p99Ms)} ms${m.non2xx ? ` non-2xx ${m.non2xx}` : ""}`);
          }
        }
      }
      loadEnd = Date.now();
    } finally {
      for (const w of workers) await w.stop();
      await onProxy?.close();
      await cfProxy?.close();
    }
    return report(ctx, rows, workers.map((w) => w.variant.name), skipped, { onProxy, cfProxy, loadStart, loadEnd, durationSec, method, headline: harness.headline, judged: harness.judged });
  },
});

export const overhead = overheadComparison(HARNESSES.workerd);
export const overheadWranglerDev = overheadComparison(HARNESSES.wranglerDev);

type Median = (variant: string, endpoint: Endpoint, f: (r: Row) => number) => number;

/** For each failing endpoint, where the extra time goes: CPU per request added in each process, on vs off. */
function explainFailures(failing: TargetCheck[], med: Median): string {
  const endpoints = [...new Set(failing.map((t) => t.name.split(":")[0] as Endpoint))];
  const lines = endpoints.map((e) => {
    const d = (f: (r: Row) => number) => med("on", e, f) - med("off", e, f);
    const worker = d((r) => r.workerCpuMsPerReq);
    const base = med("off", e, (r) => r.workerCpuMsPerReq);
    return `- ${e}: telemetry on adds ${num(worker)} ms of Worker CPU per request (${num((worker / base) * 100)}% of off's ${num(base)} ms), ${num(d((r) => r.proxyCpuMsPerReq))} ms in wrangler's proxy workerd and ${num(d((r) => r.hostCpuMsPerReq))} ms in wrangler's Node processes.`;
  });
  return [`**Failing: ${failing.map((t) => t.name).join(", ")}.** Profile (medians of the per-round CPU per request, on − off):`, "", ...lines,
    "", "On a 2-core box where the Worker is CPU-bound, added CPU per request turns directly into lower throughput; the per-round ratio ranges show how much of the gap is noise."].join("\n");
}

function report(
  ctx: BenchContext,
  rows: Row[],
  variants: string[],
  skipped: string[],
  x: { onProxy: OtlpProxy | null; cfProxy: OtlpProxy | null; loadStart: number; loadEnd: number; durationSec: number; method: string; headline: string; judged: boolean },
) {
  const series = (variant: string, endpoint: Endpoint, f: (r: Row) => number) =>
    Array.from({ length: ctx.rounds }, (_, i) => rows.find((r) => r.variant === variant && r.endpoint === endpoint && r.round === i + 1)).map((r) => (r ? f(r) : NaN));
  const targets: TargetCheck[] = [];
  const headlines: string[] = [];
  const summaryRows: string[][] = [];
  const ratioRows: string[][] = [];
  for (const endpoint of ENDPOINTS) {
    for (const v of variants) {
      const non2xx = series(v, endpoint, (r) => r.non2xx + r.errors).reduce((a, b) => a + b, 0);
      summaryRows.push([endpoint, v, spread(summary(series(v, endpoint, (r) => r.rps))), spread(summary(series(v, endpoint, (r) => r.p50Ms))),
        spread(summary(series(v, endpoint, (r) => r.p99Ms))), num(summary(series(v, endpoint, (r) => r.workerCpuMsPerReq)).median),
        num(summary(series(v, endpoint, (r) => r.proxyCpuMsPerReq)).median), num(summary(series(v, endpoint, (r) => r.hostCpuMsPerReq)).median), String(non2xx)]);
    }
    for (const v of variants.filter((v) => v !== "off")) {
      const tp = pairedRatio(series(v, endpoint, (r) => r.rps), series("off", endpoint, (r) => r.rps));
      const p50 = pairedRatio(series(v, endpoint, (r) => r.p50Ms), series("off", endpoint, (r) => r.p50Ms));
      const p99 = pairedRatio(series(v, endpoint, (r) => r.p99Ms), series("off", endpoint, (r) => r.p99Ms));
      const cpu = pairedRatio(series(v, endpoint, (r) => r.workerCpuMsPerReq), series("off", endpoint, (r) => r.workerCpuMsPerReq));
      const range = (p: typeof tp) => `${ratio(p.ofMedians)} [${ratio(p.perRound.min)}–${ratio(p.perRound.max)}]`;
      ratioRows.push([endpoint, `${v} / off`, range(tp), range(p50), range(p99), range(cpu)]);
      if (v === "on" && x.judged) {
        targets.push({ name: `${endpoint}: throughput on/off`, target: `>= ${TARGET_THROUGHPUT}`, measured: ratio(tp.ofMedians), pass: Number.isFinite(tp.ofMedians) ? tp.ofMedians >= TARGET_THROUGHPUT : null });
        targets.push({ name: `${endpoint}: p99 on/off`, target: `<= ${TARGET_P99}x`, measured: ratio(p99.ofMedians), pass: Number.isFinite(p99.ofMedians) ? p99.ofMedians <= TARGET_P99 : null });
      }
    }
  }
  for (const v of variants.filter((v) => v !== "off")) {
    const tps = ENDPOINTS.map((e) => ratio(pairedRatio(series(v, e, (r) => r.rps), series("off", e, (r) => r.rps)).ofMedians));
    const p99s = ENDPOINTS.map((e) => ratio(pairedRatio(series(v, e, (r) => r.p99Ms), series("off", e, (r) => r.p99Ms)).ofMedians));
    headlines.push(`${x.headline}, ${v} vs off (create / metadata / reveal), medians of ${ctx.rounds} interleaved rounds: throughput ${tps.join(" / ")}, p99 ${p99s.join(" / ")}.`);
  }
  if (!variants.includes("on") && x.judged) {
    for (const endpoint of ENDPOINTS) {
      targets.push({ name: `${endpoint}: throughput on/off`, target: `>= ${TARGET_THROUGHPUT}`, measured: "n/a", pass: null });
      targets.push({ name: `${endpoint}: p99 on/off`, target: `<= ${TARGET_P99}x`, measured: "n/a", pass: null });
    }
  }

  const exportsSeen = ([["on", x.onProxy], ["otel-cf-only", x.cfProxy]] as const)
    .filter(([v, p]) => p && variants.includes(v))
    .map(([v, p]) => {
      const t = p!.tally(x.loadStart, x.loadEnd);
      const requests = rows.filter((r) => r.variant === v).reduce((a, r) => a + r.ok, 0);
      return [v, String(requests), ...(["metrics", "logs", "traces"] as const).map((s) => `${t[s].posts} POSTs, ${num(t[s].bytes / 1024)} KiB${t[s].failed ? `, ${t[s].failed} failed` : ""}`)];
    });

  const failing = targets.filter((t) => t.pass === false);
  const body = [
    `Three builds of the same Hono app: **off** (wrangler.toml, no OTEL_EXPORTER_OTLP_ENDPOINT), **on** (the same, with`,
    `OTEL_EXPORTER_OTLP_ENDPOINT pointing at the bench's counting OTLP receiver, which forwards metrics to the local Grafana Cloud`,
    `stand-in (vmagent -> Prometheus) and accepts logs/traces; export interval ${num(DEFAULT_EXPORT_INTERVAL_MS / 1000)} s and trace sampling ratio ${DEFAULT_TRACE_RATIO}, the catalog defaults),`,
    `and **otel-cf-only** (wrangler.toml with entry bench/variants/otel-cf-only.ts: the app wrapped with \`instrument({ fetch: app.fetch }, config)\` from`,
    `@microlabs/otel-cf-workers at its defaults, exporting traces to a local receiver). All variants run at the same time, each`,
    `pinned like the others; per round and endpoint each variant gets ${x.durationSec} s of closed-loop load from ${CONNECTIONS} connections.`,
    `Metadata GET and reveal address one unlimited-view secret (maxViews null) per variant; create makes one-view secrets.`,
    `Rate limits are raised (not disabled) so the limiter Durable Object is still called on create and reveal.`,
    "",
    x.method,
    ...(skipped.length ? ["", `Variants not run: ${skipped.join("; ")}.`] : []),
    "",
    "### Medians over rounds [min–max]",
    "",
    table(["endpoint", "variant", "2xx req/s", "p50 ms", "p99 ms", "Worker CPU ms/req", "proxy CPU ms/req", "wrangler Node CPU ms/req", "non-2xx + errors"], summaryRows),
    "",
    "CPU ms/req is user+system CPU during the run divided by 2xx responses, per process: the Worker's workerd, wrangler's proxy workerd,",
    "and wrangler's Node processes. wrangler dev attaches its inspector proxy (in the proxy workerd) to the Worker and forwards every",
    "inspector event as an HTTP POST to its Node process: one per console line (telemetry writes one per request, the off variant",
    "none; on Cloudflare, Workers Logs carries it instead) and four per subrequest its local bindings make (D1 calls among them,",
    "seen as Network events on http://d1/execute), for every variant.",
    "This is the profile that shows where a throughput difference comes from, independent of queueing.",
    "",
    "### Ratios to off: ratio of medians [per-round min–max]",
    "",
    table(["endpoint", "variants", "throughput", "p50", "p99", "Worker CPU/req"], ratioRows),
    "",
    "### Targets",
    "",
    table(["target", "wanted", "measured", "result"], targets.map((t) => [t.name, t.target, t.measured, passMark(t.pass)])),
    "",
    ...(failing.length ? [explainFailures(failing, (v, e, f) => summary(series(v, e, f)).median), ""] : []),
    "### OTLP exports seen during the measured runs",
    "",
    exportsSeen.length ? table(["variant", "2xx requests", "metrics", "logs", "traces"], exportsSeen) : "No exporting variant ran.",
    "",
    "### Raw rounds",
    "",
    table(["round", "endpoint", "variant", "2xx req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "2xx", "non-2xx", "Worker CPU ms/req"],
      rows.map((r) => [r.round, r.endpoint, r.variant, num(r.rps), num(r.p50Ms), num(r.p90Ms), num(r.p99Ms), num(r.maxMs), r.ok, r.non2xx + r.errors, num(r.workerCpuMsPerReq)])),
  ].join("\n");
  return { body, targets, headlines };
}
