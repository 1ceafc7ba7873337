// 2. Export efficiency: application requests per OTLP metrics export and bytes exported per request at a
//    steady 100 requests/s, counted at a local OTLP receiver in front of the Grafana Cloud stand-in.
import { ATTR, METRICS, promLabel, promName } from "../../catalog/index.ts";
import { createSecret, requestFor, ENDPOINTS } from "../lib/api.ts";
import { num, passMark, table } from "../lib/format.ts";
import { measure, sleep, type Measured } from "../lib/measure.ts";
import { startOtlpProxy, type OtlpProxy, type Signal } from "../lib/otlp-proxy.ts";
import type { BenchContext, Comparison, TargetCheck } from "../lib/types.ts";
import { DEFAULT_EXPORT_INTERVAL_MS, onVariant, otelCfOnlyVariant, requireTelemetryWired } from "../lib/variants.ts";
import { startWorker } from "../lib/variant-worker.ts";

const RATE = 100;
/** Enough connections that 100 req/s holds even when a response takes 200 ms on a busy machine (open loop). */
const CONNECTIONS = 20;
const TARGET_REQUESTS_PER_EXPORT = 1000;
/** Quick runs cannot wait minutes: they use the longest interval that still meets the target at 100 req/s. */
const QUICK_INTERVAL_MS = (TARGET_REQUESTS_PER_EXPORT / RATE) * 1000;
const SIGNALS: Signal[] = ["metrics", "logs", "traces"];

interface Window {
  result: Measured;
  start: number;
  end: number;
  proxy: OtlpProxy;
}

/** Mean time between consecutive exports of one signal inside the window, in seconds. */
function meanGapSec(w: Window, signal: Signal): number {
  const at = w.proxy.events.filter((e) => e.signal === signal && e.at >= w.start && e.at < w.end).map((e) => e.at);
  if (at.length < 2) return NaN;
  return (at[at.length - 1]! - at[0]!) / (at.length - 1) / 1000;
}

export const exportEfficiency: Comparison = {
  id: "export",
  title: "Export efficiency at a steady 100 requests/s",
  async run(ctx: BenchContext) {
    requireTelemetryWired();
    const intervalMs = ctx.quick ? QUICK_INTERVAL_MS : DEFAULT_EXPORT_INTERVAL_MS;
    // Two full intervals after the first: at least two exports inside the window, and the gap between them.
    const durationSec = Math.ceil((2 * intervalMs) / 1000 + 10);
    const vm = await ctx.metricsStore();
    const api = await ctx.build("api");
    const onProxy = await startOtlpProxy(vm.otlpMetricsUrl);
    const cfProxy = await startOtlpProxy();
    const envLabel = "bench-export";
    const windows: Record<string, Window> = {};
    try {
      const vars = { ENVIRONMENT: envLabel, ...(intervalMs !== DEFAULT_EXPORT_INTERVAL_MS ? { OTEL_METRIC_EXPORT_INTERVAL: String(intervalMs) } : {}) };
      ctx.log("starting on");
      const worker = await startWorker(onVariant(api, onProxy.base, vars));
      try {
        const id = await createSecret(worker.url, null);
        const start = Date.now();
        ctx.log(`on: ${RATE} req/s for ${durationSec} s (export interval ${intervalMs / 1000} s)`);
        const result = await measure(worker, { connections: CONNECTIONS, overallRate: RATE, durationSec, requests: ENDPOINTS.map((e) => requestFor(e, id)) }, ctx.cpus?.load);
        windows.on = { result, start, end: Date.now(), proxy: onProxy };
        // Let the last export land in the Grafana Cloud stand-in before reading the exporter's own counters.
        await sleep(1000);
      } finally {
        await worker.stop();
      }
      try {
        const cf = await startWorker(otelCfOnlyVariant(await ctx.build("otel-cf-only"), `${cfProxy.base}/v1/traces`));
        try {
          const id = await createSecret(cf.url, null);
          const start = Date.now();
          const cfSec = ctx.quick ? 8 : 20;
          ctx.log(`otel-cf-only: ${RATE} req/s for ${cfSec} s`);
          const result = await measure(cf, { connections: CONNECTIONS, overallRate: RATE, durationSec: cfSec, requests: ENDPOINTS.map((e) => requestFor(e, id)) }, ctx.cpus?.load);
          windows["otel-cf-only"] = { result, start, end: Date.now(), proxy: cfProxy };
        } finally {
          await cf.stop();
        }
      } catch (e) {
        ctx.log(`otel-cf-only not run: ${e instanceof Error ? e.message : e}`);
      }

      const isolates = (await vm.query(`count by (${promLabel("service.instance.id")}) (${promName(METRICS.httpServerDuration)}_count{${promLabel(ATTR.environment)}="${envLabel}"})`)).length;
      const dropped = await vm.query(`sum by (${promLabel(ATTR.signal)}) (${promName(METRICS.telemetryItems)}{${promLabel(ATTR.environment)}="${envLabel}", ${promLabel(ATTR.outcome)}="dropped"})`);
      const failed = await vm.query(`sum by (${promLabel(ATTR.signal)}) (${promName(METRICS.telemetryExports)}{${promLabel(ATTR.environment)}="${envLabel}", ${promLabel(ATTR.outcome)}="failed"})`);
      const series = (await vm.query(`count({${promLabel(ATTR.environment)}="${envLabel}"})`)).reduce((s, r) => s + r.value, 0);

      const rows: string[][] = [];
      const targets: TargetCheck[] = [];
      const headlines: string[] = [];
      for (const [name, w] of Object.entries(windows)) {
        const t = w.proxy.tally(w.start, w.end);
        const req = w.result.ok;
        for (const s of SIGNALS) {
          if (t[s].posts === 0 && name === "otel-cf-only" && s !== "traces") continue;
          const gap = meanGapSec(w, s);
          rows.push([name, s, String(t[s].posts), num(t[s].posts ? req / t[s].posts : NaN), num(gap), num(gap * w.result.rps), num(t[s].bytes / Math.max(1, t[s].posts)), num(t[s].bytes / Math.max(1, req)), String(t[s].failed)]);
        }
        const total = SIGNALS.reduce((a, s) => a + t[s].bytes, 0);
        rows.push([name, "all", String(SIGNALS.reduce((a, s) => a + t[s].posts, 0)), "", "", "", "", num(total / Math.max(1, req)), ""]);
      }
      const on = windows.on!;
      const m = on.proxy.tally(on.start, on.end).metrics;
      const gap = meanGapSec(on, "metrics");
      const perExport = Number.isFinite(gap) ? gap * on.result.rps : on.result.ok / Math.max(1, m.posts);
      const perIsolate = perExport / Math.max(1, isolates);
      const sustained = on.result.rps >= 0.95 * RATE;
      const at100 = gap * RATE;
      targets.push({
        name: "requests per metrics export per isolate at 100 req/s",
        target: `>= ${num(TARGET_REQUESTS_PER_EXPORT)}`,
        measured: `${num(perIsolate)} (${isolates} isolate${isolates === 1 ? "" : "s"}${sustained ? "" : `; only ${num(on.result.rps)} req/s sustained, ${num(at100 / Math.max(1, isolates))} at 100 req/s with the measured gap`})`,
        // The Worker controls the gap between exports, the bench the rate: when this machine could not sustain 100 req/s,
        // the target is judged at 100 req/s with the measured gap (and both figures are shown).
        pass: m.posts > 0 && Number.isFinite(perIsolate) ? (sustained ? perIsolate : at100 / Math.max(1, isolates)) >= TARGET_REQUESTS_PER_EXPORT : null,
      });
      const onBytes = SIGNALS.reduce((a, s) => a + on.proxy.tally(on.start, on.end)[s].bytes, 0) / Math.max(1, on.result.ok);
      headlines.push(`Export: ${num(perIsolate)} requests per metrics export per isolate at ${num(on.result.rps)} req/s (interval ${intervalMs / 1000} s), ${num(onBytes)} bytes exported per request (all signals).`);
      const cf = windows["otel-cf-only"];
      if (cf) {
        const ct = cf.proxy.tally(cf.start, cf.end).traces;
        headlines.push(`otel-cf-workers alone: ${num(ct.posts / Math.max(1, cf.result.ok))} trace exports per request, ${num(ct.bytes / Math.max(1, cf.result.ok))} bytes per request.`);
      }
      const body = [
        `The API bundle with telemetry on sends OTLP to the bench's counting receiver (metrics forwarded to the Grafana Cloud stand-in (vmagent -> Prometheus),`,
        `logs and traces answered 200) under an open-loop load of ${RATE} requests/s (autocannon overallRate, ${CONNECTIONS} connections, the`,
        `create / metadata / reveal mix) for ${durationSec} s, two export intervals plus 10 s. The export interval is`,
        ctx.quick
          ? `**${intervalMs / 1000} s, set by OTEL_METRIC_EXPORT_INTERVAL for this quick run** (the longest interval that meets the target at ${RATE} req/s); a full run uses the catalog default of ${DEFAULT_EXPORT_INTERVAL_MS / 1000} s.`
          : `the catalog default (TELEMETRY.exportInterval = ${DEFAULT_EXPORT_INTERVAL_MS / 1000} s, OTEL_METRIC_EXPORT_INTERVAL unset). At ${RATE} req/s the target of ${num(TARGET_REQUESTS_PER_EXPORT)} requests per export needs an interval of at least ${QUICK_INTERVAL_MS / 1000} s.`,
        `Requests per export is the achieved rate times the mean gap between consecutive exports of that signal (the first export`,
        `comes one interval after the isolate starts, so requests ÷ exports over the window would overstate it); isolates are the`,
        `distinct service.instance.id values the stand-in stored (${isolates}). Then the otel-cf-workers-only variant gets the same load for a short`,
        `window for comparison.`,
        "",
        table(["variant", "signal", "POSTs", "2xx requests ÷ POSTs", "mean gap s", "requests per export (rate × gap)", "bytes per POST", "bytes per request", "failed POSTs"], rows),
        "",
        table(["", ""], [
          ["achieved rate (on)", `${num(on.result.rps)} req/s, ${on.result.ok} 2xx, ${on.result.non2xx + on.result.errors} non-2xx/errors, p50 ${num(on.result.p50Ms)} ms, p99 ${num(on.result.p99Ms)} ms`],
          ["series stored in the Grafana Cloud stand-in", num(series)],
          ["items dropped by the Worker's bounded buffers (its own counter)", dropped.length ? dropped.map((d) => `${d.metric[promLabel(ATTR.signal)]}: ${num(d.value)}`).join(", ") : "none"],
          ["export failures (its own counter)", failed.length ? failed.map((d) => `${d.metric[promLabel(ATTR.signal)]}: ${num(d.value)}`).join(", ") : "none"],
        ]),
        "",
        table(["target", "wanted", "measured", "result"], targets.map((t) => [t.name, t.target, t.measured, passMark(t.pass)])),
      ].join("\n");
      return { body, targets, headlines };
    } finally {
      await onProxy.close();
      await cfProxy.close();
    }
  },
};
