import { TELEMETRY } from "../catalog/index.ts";

/** The Worker vars and secrets telemetry reads: OpenTelemetry's own variable names. */
export interface TelemetryEnv {
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_EXPORTER_OTLP_HEADERS?: string;
  OTEL_SERVICE_NAME?: string;
  OTEL_METRIC_EXPORT_INTERVAL?: string;
  OTEL_TRACES_SAMPLER_ARG?: string;
  /** "none" turns traces off (metrics and logs stay on), as in the OTel spec. */
  OTEL_TRACES_EXPORTER?: string;
  ENVIRONMENT?: string;
  /** "all": a console line per request; "errors" (default): only status >= TELEMETRY.consoleMinStatus; "none". */
  LOG_REQUESTS_TO_CONSOLE?: string;
}

export interface TelemetryConfig {
  /** Base URL without trailing slash; signals go to {endpoint}/v1/{metrics,logs,traces}. */
  endpoint: string;
  headers: Record<string, string>;
  serviceName: string;
  environment: string;
  exportIntervalMs: number;
  exportTimeoutMs: number;
  /** A flush hook not settled by then is abandoned (TELEMETRY.flushHookTimeout). */
  flushHookTimeoutMs: number;
  traceSampleRatio: number;
  /** False with OTEL_TRACES_EXPORTER=none: the fetch handler is not wrapped by otel-cf-workers at all. */
  tracesEnabled: boolean;
  /** Requests answered with a status at or above this also write their record to the console (Infinity: none). */
  consoleMinStatus: number;
}

/**
 * Spec-style `k=v,k2=v2` (W3C baggage format, values percent-decoded), as OTEL_EXPORTER_OTLP_HEADERS.
 * Malformed members are skipped rather than failing the Worker.
 */
export function parseOtlpHeaders(raw: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const member of (raw ?? "").split(",")) {
    const eq = member.indexOf("=");
    if (eq <= 0) continue;
    const key = member.slice(0, eq).trim();
    const value = member.slice(eq + 1).trim();
    if (!key) continue;
    try {
      headers[decodeURIComponent(key)] = decodeURIComponent(value);
    } catch {
      headers[key] = value;
    }
  }
  return headers;
}

const finiteOr = (raw: string | undefined, fallback: number): number => {
  const n = raw === undefined || raw.trim() === "" ? NaN : Number(raw);
  return Number.isFinite(n) ? n : fallback;
};

const CONSOLE_MIN_STATUS: Record<string, number> = { all: 0, errors: TELEMETRY.consoleMinStatus.value, none: Infinity };

/** Null means telemetry is off: no instruments, no buffers, no network calls. */
export function parseTelemetryConfig(env: TelemetryEnv): TelemetryConfig | null {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!endpoint) return null;
  return {
    endpoint: endpoint.replace(/\/+$/, ""),
    headers: parseOtlpHeaders(env.OTEL_EXPORTER_OTLP_HEADERS),
    serviceName: env.OTEL_SERVICE_NAME?.trim() || TELEMETRY.defaultServiceName,
    environment: env.ENVIRONMENT?.trim() || "unknown",
    exportIntervalMs: Math.max(TELEMETRY.minExportInterval.value, finiteOr(env.OTEL_METRIC_EXPORT_INTERVAL, TELEMETRY.exportInterval.value)),
    exportTimeoutMs: TELEMETRY.exportTimeout.value,
    flushHookTimeoutMs: TELEMETRY.flushHookTimeout.value,
    traceSampleRatio: Math.min(1, Math.max(0, finiteOr(env.OTEL_TRACES_SAMPLER_ARG, TELEMETRY.traceSampleRatio.value))),
    tracesEnabled: env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() !== "none",
    consoleMinStatus: CONSOLE_MIN_STATUS[env.LOG_REQUESTS_TO_CONSOLE?.trim().toLowerCase() ?? ""] ?? TELEMETRY.consoleMinStatus.value,
  };
}
