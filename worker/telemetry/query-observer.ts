import { SpanKind, trace } from "@opentelemetry/api";
import { ATTR } from "../../catalog/index.ts";
import type { QueryInfo, QueryObserver } from "../store/store.ts";
import type { TelemetryEnv } from "../../otlp/config.ts";
import { getPipeline } from "../../otlp/registry.ts";
import { mayHaveActiveSpan } from "./tracing.ts";
import type { Instruments } from "../../otlp/instruments.ts";
import type { TelemetryPipeline } from "../../otlp/pipeline.ts";

const tracer = trace.getTracer("moltsecret-d1");

/** A client span per D1 round trip under the request's span, named by statement: no SQL text or parameters to redact. */
function recordSpan(info: QueryInfo): void {
  if (!mayHaveActiveSpan() || !trace.getActiveSpan()?.isRecording()) return;
  const end = Date.now();
  tracer
    .startSpan(`D1 ${info.name}`, {
      kind: SpanKind.CLIENT,
      startTime: end - info.clientMs,
      attributes: {
        "db.system.name": "cloudflare.d1",
        [ATTR.d1OperationType]: info.operation,
        [ATTR.d1Statement]: info.name,
        "db.operation.batch.size": info.statements,
        ...(info.rowsRead !== undefined ? { "cloudflare.d1.rows_read": info.rowsRead } : {}),
        ...(info.rowsWritten !== undefined ? { "cloudflare.d1.rows_written": info.rowsWritten } : {}),
      },
    })
    .end(end);
}

const observers = new WeakMap<TelemetryPipeline, QueryObserver>();

/**
 * The store's QueryObserver feeding the D1 metrics: client-side and D1-reported durations, rows
 * read/written, statements by type, and the database size from size_after; and a span per statement
 * when the request is traced. Undefined when telemetry is off. One per pipeline; its series are found by
 * (operation, statement) without building attribute objects per query.
 */
export function telemetryQueryObserver(env: TelemetryEnv): QueryObserver | undefined {
  const pipeline = getPipeline(env);
  if (!pipeline) return undefined;
  let observer = observers.get(pipeline);
  if (!observer) observers.set(pipeline, (observer = observe(pipeline.instruments)));
  return observer;
}

function observe(m: Instruments): QueryObserver {
  return (info: QueryInfo) => {
    const byType = () => ({ [ATTR.d1OperationType]: info.operation });
    const byStatement = () => ({ [ATTR.d1OperationType]: info.operation, [ATTR.d1Statement]: info.name });
    const statementKey = `${info.operation}\u0001${info.name}`;
    m.d1ClientDuration.bind(statementKey, byStatement).record(info.clientMs / 1000);
    if (info.serverMs !== undefined) m.d1QueryDuration.bind(statementKey, byStatement).record(info.serverMs / 1000);
    m.d1Queries.bind(info.operation, byType).add(1);
    if (info.rowsRead) m.d1RowsRead.bind(info.operation, byType).add(info.rowsRead);
    if (info.rowsWritten) m.d1RowsWritten.bind(info.operation, byType).add(info.rowsWritten);
    if (info.sizeAfter !== undefined) m.d1DatabaseSize.record(info.sizeAfter);
    recordSpan(info);
  };
}
