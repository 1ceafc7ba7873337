import { ATTR, TELEMETRY } from "../catalog/index.ts";
import { getPipeline, type AggregatorEnv, type TelemetryEnv } from "../otlp/index.ts";

/** semconv faas.trigger from the kind of event that invoked the producer. */
export function triggerOf(event: TraceItem["event"]): string {
  if (!event) return "other";
  if ("request" in event) return "http";
  if ("cron" in event) return "timer";
  return "other";
}

/**
 * Turns the platform's trace events into metrics: CPU and wall time per invocation (the only honest
 * CPU figure: Date.now() does not advance during CPU work inside a Worker) and invocations by outcome.
 * Recorded in the same per-isolate pipeline as the API Worker's metrics, and handed off to the API's fleet
 * aggregator (TELEMETRY_AGGREGATOR, script_name = "moltsecret-api"), so Tail Worker isolates add no series of their own.
 */
export function recordTraceItems(events: readonly TraceItem[], env: TelemetryEnv & AggregatorEnv, ctx: Pick<ExecutionContext, "waitUntil">): void {
  const pipeline = getPipeline(env, TELEMETRY.tailServiceName);
  if (!pipeline) return;
  const m = pipeline.instruments;
  for (const item of events) {
    const attributes = {
      [ATTR.workerScript]: item.scriptName ?? "unknown",
      [ATTR.workerOutcome]: item.outcome,
      [ATTR.workerTrigger]: triggerOf(item.event),
    };
    m.workerInvocations.add(1, attributes);
    if (Number.isFinite(item.cpuTime)) m.workerCpuTime.record(item.cpuTime, attributes);
    if (Number.isFinite(item.wallTime)) m.workerWallTime.record(item.wallTime, attributes);
  }
  pipeline.maybeFlush(ctx);
}

export default {
  tail(events, env, ctx) {
    recordTraceItems(events, env, ctx);
  },
} satisfies ExportedHandler<TelemetryEnv & AggregatorEnv>;
