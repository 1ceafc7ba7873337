import { SeverityNumber } from "@opentelemetry/api-logs";
import type { Resource } from "@opentelemetry/resources";
import type { ReadableLogRecord } from "@opentelemetry/sdk-logs";

/** One buffered log record: only labels and numbers, never request content. */
export interface LogEntry {
  timeMs: number;
  severityNumber: SeverityNumber;
  severityText: string;
  body: string;
  attributes: Record<string, string | number | boolean>;
  traceId?: string;
  spanId?: string;
}

/** Severity by status: 5xx is an error of ours, 4xx a client mistake worth a warning, the rest info. */
export function severityOf(status: number): { severityNumber: SeverityNumber; severityText: string } {
  if (status >= 500) return { severityNumber: SeverityNumber.ERROR, severityText: "ERROR" };
  if (status >= 400) return { severityNumber: SeverityNumber.WARN, severityText: "WARN" };
  return { severityNumber: SeverityNumber.INFO, severityText: "INFO" };
}

const hrTime = (ms: number): [number, number] => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];

const SCOPE = { name: "moltsecret" };

export function toReadableLogRecord(entry: LogEntry, resource: Resource): ReadableLogRecord {
  const time = hrTime(entry.timeMs);
  return {
    hrTime: time,
    hrTimeObserved: time,
    severityNumber: entry.severityNumber,
    severityText: entry.severityText,
    body: entry.body,
    resource,
    instrumentationScope: SCOPE,
    attributes: entry.attributes,
    droppedAttributesCount: 0,
    ...(entry.traceId && entry.spanId ? { spanContext: { traceId: entry.traceId, spanId: entry.spanId, traceFlags: 1 } } : {}),
  };
}
