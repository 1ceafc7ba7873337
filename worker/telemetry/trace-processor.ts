import { TELEMETRY } from "../../catalog/index.ts";
import type { ReadableSpan } from "../../otlp/pipeline.ts";
import { activePipeline } from "../../otlp/registry.ts";
import { redactSpans } from "./span-redaction.ts";

/** Started spans as otel-cf-workers hands them over: readable, endable, with a context. */
type WorkerSpan = ReadableSpan & { end(): void; ended?: boolean };

interface OpenTrace {
  startedAt: number;
  spans: WorkerSpan[];
}

const STATUS_ERROR = 2;
const SPAN_KIND_SERVER = 1;
const SAMPLED = 1;
/** A trace not flushed after this long is abandoned: spans started after the handler's flush would otherwise pile up. */
const MAX_TRACE_AGE_MS = TELEMETRY.exportTimeout.value * 3;

/** Kept when head-sampled, or when the root failed (error status or a 5xx), whatever the head decision. */
export function keepTrace(spans: readonly ReadableSpan[]): boolean {
  const root = spans.find((s) => s.kind === SPAN_KIND_SERVER) ?? spans[0];
  if (!root) return false;
  if ((root.spanContext().traceFlags & SAMPLED) === SAMPLED) return true;
  const status = Number(root.attributes["http.response.status_code"] ?? 0);
  return spans.some((s) => s.status.code === STATUS_ERROR) || status >= 500;
}

/**
 * Replaces otel-cf-workers' BatchTraceSpanProcessor, whose per-trace map is never cleared (the workerd
 * process doubled its memory over ~70k requests) and which posts one OTLP request per trace.
 * Here a trace lives in a bounded map until the handler's forceFlush(traceId); then it is removed,
 * tail-sampled, redacted and handed to the pipeline's span buffer, which leaves with the metrics flush.
 */
export class BufferedTraceSpanProcessor {
  readonly #traces = new Map<string, OpenTrace>();

  get openTraces(): number {
    return this.#traces.size;
  }

  onStart(span: WorkerSpan): void {
    const traceId = span.spanContext().traceId;
    let trace = this.#traces.get(traceId);
    if (!trace) {
      this.#evict(Date.now());
      if (this.#traces.size >= TELEMETRY.maxOpenTraces.value) {
        activePipeline()?.countItems("traces", "dropped", 1);
        return;
      }
      trace = { startedAt: Date.now(), spans: [] };
      this.#traces.set(traceId, trace);
    }
    trace.spans.push(span);
  }

  onEnd(): void {}

  async forceFlush(traceId?: string): Promise<void> {
    const ids = traceId ? [traceId] : [...this.#traces.keys()];
    for (const id of ids) {
      const trace = this.#traces.get(id);
      if (!trace) continue;
      this.#traces.delete(id);
      for (const span of trace.spans) if (span.ended === false) span.end();
      const pipeline = activePipeline();
      if (pipeline && keepTrace(trace.spans)) pipeline.pushSpans(redactSpans(trace.spans));
    }
  }

  async shutdown(): Promise<void> {
    this.#traces.clear();
  }

  #evict(now: number): void {
    for (const [id, trace] of this.#traces) {
      if (now - trace.startedAt < MAX_TRACE_AGE_MS) break;
      this.#traces.delete(id);
      activePipeline()?.countItems("traces", "dropped", trace.spans.length);
    }
  }
}
