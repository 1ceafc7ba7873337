import type { TelemetryConfig } from "./config.ts";

export type Signal = "metrics" | "logs" | "traces";

export interface PostResult {
  ok: boolean;
  /** HTTP status, or the error name (TimeoutError, TypeError...) when no response came. */
  detail: string;
}

/**
 * Captured at module load, before otel-cf-workers patches globalThis.fetch on its first request:
 * exporting must not create spans of its own.
 */
const rawFetch: typeof fetch = globalThis.fetch.bind(globalThis);

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
    return { ok: res.ok, detail: String(res.status) };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.name : "Error" };
  }
}
