import { TELEMETRY } from "../catalog/index.ts";
import type { TelemetryConfig } from "./config.ts";

export type Signal = "metrics" | "logs" | "traces";

export interface PostResult {
  ok: boolean;
  /** HTTP status, or the error name (TimeoutError, TypeError...) when no response came. */
  detail: string;
  /** The failure is worth retrying with the same items (OTLP/HTTP: 429, 502, 503, 504, or no answer at all). */
  retryable: boolean;
  /** The backend's Retry-After, ms, capped at TELEMETRY.maxRetryAfter (429/503 only). */
  retryAfterMs?: number;
}

/**
 * Captured at module load, before otel-cf-workers patches globalThis.fetch on its first request:
 * exporting must not create spans of its own.
 */
const rawFetch: typeof fetch = globalThis.fetch.bind(globalThis);

const RETRYABLE = new Set([429, 502, 503, 504]);

/** Retry-After as delta-seconds or an HTTP date, in ms from `now`, capped; undefined when absent or unparseable. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(TELEMETRY.maxRetryAfter.value, Math.max(0, ms));
}

/** POST one OTLP/HTTP protobuf body. Never throws; bounded by the export timeout. */
export async function postOtlp(config: TelemetryConfig, signal: Signal, body: Uint8Array): Promise<PostResult> {
  try {
    const res = await rawFetch(`${config.endpoint}/v1/${signal}`, {
      method: "POST",
      headers: { ...config.headers, "content-type": "application/x-protobuf" },
      body,
      signal: AbortSignal.timeout(config.exportTimeoutMs),
    });
    await res.body?.cancel();
    const retryAfterMs = res.status === 429 || res.status === 503 ? parseRetryAfter(res.headers.get("retry-after")) : undefined;
    return { ok: res.ok, detail: String(res.status), retryable: RETRYABLE.has(res.status), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.name : "Error", retryable: true };
  }
}
