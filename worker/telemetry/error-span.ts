import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { SpanImpl } from "@microlabs/otel-cf-workers";
import { ATTR } from "../../catalog/index.ts";
import type { ReadableSpan, TelemetryPipeline } from "../../otlp/pipeline.ts";
import { methodLabel, REQUEST_ID_ATTRIBUTE, type RequestFacts } from "./request-record.ts";
import { redactSpans } from "./span-redaction.ts";

const hex = (bytes: number): string => [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");

/**
 * The trace of a failed request that head sampling skipped: the requests it skips never run through otel-cf-workers
 * (that is most of the tracing cost), so the failure is kept as a single server span built from the request's facts.
 * Head-sampled requests keep their full span tree. Returns the trace and span ids for the log record.
 */
export function keepFailedRequest(pipeline: TelemetryPipeline, facts: Omit<RequestFacts, "traceId" | "spanId">): { traceId: string; spanId: string } {
  const spanContext = { traceId: hex(16), spanId: hex(8), traceFlags: 0 };
  const span = new SpanImpl({
    name: `${methodLabel(facts.method)} ${facts.route}`,
    spanContext,
    spanKind: SpanKind.SERVER,
    startTime: facts.timeMs,
    resource: pipeline.resource,
    attributes: {
      [ATTR.method]: methodLabel(facts.method),
      [ATTR.route]: facts.route,
      [ATTR.status]: facts.status,
      [REQUEST_ID_ATTRIBUTE]: facts.requestId,
    },
    onEnd: () => {},
  } as ConstructorParameters<typeof SpanImpl>[0]);
  if (facts.error instanceof Error) span.recordException(facts.error);
  span.setStatus({ code: SpanStatusCode.ERROR });
  span.end(facts.timeMs + facts.durationMs);
  pipeline.pushSpans(redactSpans([span as unknown as ReadableSpan]));
  return { traceId: spanContext.traceId, spanId: spanContext.spanId };
}
