import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { ATTR, METRICS, TELEMETRY, WORKER_CPU, promLabel, promName } from "../catalog/index.ts";
import { activePipeline, getPipeline } from "../otlp/index.ts";
import type { TelemetryAggregator } from "../otlp/aggregator/aggregator-object.ts";
import { aggregatorName } from "../otlp/aggregator/points.ts";
import { captured, decodeBody, receiverUrl } from "../otlp/test/receiver.ts";
import { pollUntil } from "../scripts/lib/poll.mjs";
import worker from "./index.ts";

const prometheus = inject("promUrl");
// Without the aggregator binding the Tail Worker exports its own series: what it records is queried back directly.
const tailEnv = { ...env, TELEMETRY_AGGREGATOR: undefined, OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl(), OTEL_METRIC_EXPORT_INTERVAL: "1000", ENVIRONMENT: "tail-test" };

/** A trace event shaped like production's (locally wrangler sends cpuTime/wallTime 0, so these are built by hand). */
const item = (cpuTime: number, wallTime: number, outcome = "ok", event: TraceItem["event"] = { request: { url: "https://x/api/secrets", method: "POST", headers: {}, cf: {} } } as unknown as TraceItem["event"], scriptName = "moltsecret-api"): TraceItem =>
  ({ scriptName, outcome, cpuTime, wallTime, event, eventTimestamp: Date.now(), logs: [], exceptions: [], diagnosticsChannelEvents: [], executionModel: "stateless", truncated: false }) as unknown as TraceItem;

async function query(promql: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const res = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const json = (await res.json()) as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  return json.data.result;
}

/** The stand-in's vmagent delivers to Prometheus within about a second (flush interval 1 s). */
async function waitForSeries(selector: string, timeoutMs = 15_000): Promise<void> {
  await pollUntil(async () => (await query(selector)).length > 0, { timeoutMs, everyMs: 250, what: `a series for ${selector}` });
}

describe("Tail Worker", () => {
  it("exports platform CPU/wall time histograms and invocations, landing in the buckets of the 30/50 ms alerts", async () => {
    const events = [item(12, 40), item(29.5, 80), item(31, 90), item(49, 120), item(75, 300, "exceededCpu"), item(3, 5, "ok", { cron: "*/10 * * * *", scheduledTime: Date.now() } as unknown as TraceItem["event"])];
    const ctx = createExecutionContext();
    await worker.tail(events, tailEnv, ctx);
    await waitOnExecutionContext(ctx);
    const report = await getPipeline(tailEnv, TELEMETRY.tailServiceName)!.flush();
    expect(report.metrics?.ok).toBe(true);

    const cpu = promName(METRICS.workerCpuTime);
    await waitForSeries(`${cpu}_count{${promLabel(ATTR.environment)}="tail-test"}`);
    const sel = `${promLabel(ATTR.workerScript)}="moltsecret-api", ${promLabel(ATTR.environment)}="tail-test"`;
    const le = async (bound: number, trigger = "http") =>
      Number((await query(`sum(${cpu}_bucket{${sel}, ${promLabel(ATTR.workerTrigger)}="${trigger}", le="${bound}"})`))[0]?.value[1]);
    expect(await le(WORKER_CPU.warning.value)).toBe(2); // 12, 29.5
    expect(await le(WORKER_CPU.critical.value)).toBe(4); // + 31, 49
    expect(Number((await query(`sum(${cpu}_count{${sel}, ${promLabel(ATTR.workerTrigger)}="http"})`))[0]?.value[1])).toBe(5);
    expect(await le(WORKER_CPU.warning.value, "timer")).toBe(1);

    const inv = await query(`sum by (${promLabel(ATTR.workerOutcome)}) (${promName(METRICS.workerInvocations)}{${sel}})`);
    const byOutcome = Object.fromEntries(inv.map((r) => [r.metric[promLabel(ATTR.workerOutcome)], Number(r.value[1])]));
    expect(byOutcome).toEqual({ ok: 5, exceededCpu: 1 });

    const wall = await query(`sum(${promName(METRICS.workerWallTime)}_sum{${sel}})`);
    expect(Number(wall[0]?.value[1])).toBe(40 + 80 + 90 + 120 + 300 + 5);
    const target = await query(`count(${cpu}_count{service_name="${TELEMETRY.tailServiceName}"})`);
    expect(Number(target[0]?.value[1])).toBeGreaterThan(0);
  });

  it("hands its metrics to the API's aggregator through the script_name binding, exporting none itself", async () => {
    const fleetEnv = { ...tailEnv, TELEMETRY_AGGREGATOR: env.TELEMETRY_AGGREGATOR, ENVIRONMENT: "tail-fleet-test" };
    const ctx = createExecutionContext();
    await worker.tail([item(12, 40), item(31, 90, "exceededCpu")], fleetEnv, ctx);
    await waitOnExecutionContext(ctx);
    const report = await getPipeline(fleetEnv, TELEMETRY.tailServiceName)!.flush();
    expect(report.metrics).toBeUndefined();
    expect(report.handoff).toMatchObject({ ok: true, attempts: 1, failed: 0 });
    // Invocations by outcome (2) + cpu and wall histograms (2 each): one point per series.
    expect(report.handoff!.points).toBe(6);
  });

  it("does nothing without an endpoint: records nothing, hands nothing to the aggregator, exports nothing", async () => {
    const [off, on] = ["tail-probe-off", "tail-probe-on"];
    const { next } = await captured();
    const tail = async (scriptName: string, e: object) => {
      const ctx = createExecutionContext();
      await worker.tail([item(10, 10, "ok", undefined, scriptName)], e as typeof tailEnv, ctx);
      await waitOnExecutionContext(ctx);
    };
    await tail(off, { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: "", OTEL_METRIC_EXPORT_INTERVAL: "1000" });
    // The handler left no pipeline that the next events (or a helper) could record into.
    expect(activePipeline()).toBeNull();
    // The same event with an endpoint does reach the aggregator's state: the check below would see one.
    const onEnv = { ...tailEnv, TELEMETRY_AGGREGATOR: env.TELEMETRY_AGGREGATOR, ENVIRONMENT: "tail-probe-test" };
    await tail(on, onEnv);
    expect((await getPipeline(onEnv, TELEMETRY.tailServiceName)!.flush()).handoff?.ok).toBe(true);
    const aggregators = env.TELEMETRY_AGGREGATOR as unknown as DurableObjectNamespace<TelemetryAggregator>;
    const fleet = JSON.stringify(await aggregators.get(aggregators.idFromName(aggregatorName(0))).snapshot());
    expect(fleet).toContain(on);
    expect(fleet).not.toContain(off);
    expect((await captured(next)).batches.map(decodeBody).join("\n")).not.toContain(off);
  });
});
