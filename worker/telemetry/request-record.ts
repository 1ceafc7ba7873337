import { ATTR, LABEL_VALUES } from "../../catalog/index.ts";
import { severityOf, type LogEntry } from "../../otlp/log-record.ts";
import { redactText } from "./redact.ts";
import type { RegionLabel } from "./region.ts";

const KNOWN_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE"]);
const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Semantic conventions: unknown methods become _OTHER so a client cannot mint label values. */
export const methodLabel = (method: string): string => (KNOWN_METHODS.has(method.toUpperCase()) ? method.toUpperCase() : "_OTHER");

export const operationKindOf = (method: string): string =>
  READ_METHODS.has(method.toUpperCase()) ? LABEL_VALUES.operationKind.read : LABEL_VALUES.operationKind.write;

/** The server-generated request id (X-Request-Id) on log records and kept failure spans. */
export const REQUEST_ID_ATTRIBUTE = "moltsecret.request.id";

/** Only the route template; a request that matched no route is labelled as such, never by its path. */
export const UNMATCHED_ROUTE = "(unmatched)";

export interface RequestFacts {
  method: string;
  route: string;
  status: number;
  durationMs: number;
  region: RegionLabel;
  requestId: string;
  traceId?: string;
  spanId?: string;
  error?: unknown;
  timeMs: number;
}

/** The duration series' identity without building its attributes: metricAttributes is a function of exactly these. */
export const metricKey = (f: Pick<RequestFacts, "method" | "route" | "status" | "region">): string => `${f.method}\u0001${f.route}\u0001${f.status}\u0001${f.region}`;

export const metricAttributes = (f: RequestFacts): Record<string, string | number> => ({
  [ATTR.method]: methodLabel(f.method),
  [ATTR.route]: f.route,
  [ATTR.status]: f.status,
  [ATTR.region]: f.region,
  [ATTR.operationKind]: operationKindOf(f.method),
});

function errorAttributes(error: unknown): Record<string, string> {
  if (!(error instanceof Error)) return error === undefined ? {} : { "exception.type": typeof error };
  return {
    "exception.type": error.name,
    "exception.message": redactText(error.message),
    ...(error.stack ? { "exception.stacktrace": redactText(error.stack) } : {}),
  };
}

/** The one structured record per request: labels and numbers only, the same for OTLP and the console. */
export function requestLogEntry(f: RequestFacts): LogEntry {
  return {
    timeMs: f.timeMs,
    ...severityOf(f.status),
    body: `${methodLabel(f.method)} ${f.route} ${f.status}`,
    attributes: {
      ...metricAttributes(f),
      "http.server.request.duration_ms": f.durationMs,
      [REQUEST_ID_ATTRIBUTE]: f.requestId,
      ...(f.traceId ? { trace_id: f.traceId } : {}),
      // Client errors (4xx) are thrown as expected errors; only server faults carry the exception and its stack.
      ...(f.status >= 500 ? errorAttributes(f.error) : {}),
    },
    ...(f.traceId ? { traceId: f.traceId } : {}),
    ...(f.spanId ? { spanId: f.spanId } : {}),
  };
}

/** The console twin of the log record, one JSON line for Workers Logs / Logpush. */
export const consoleLine = (entry: LogEntry): string =>
  JSON.stringify({ time: new Date(entry.timeMs).toISOString(), level: entry.severityText.toLowerCase(), msg: entry.body, ...entry.attributes });
