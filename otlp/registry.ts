import type { AggregatorEnv } from "./aggregator/handoff-client.ts";
import { parseTelemetryConfig, type TelemetryEnv } from "./config.ts";
import { TelemetryPipeline } from "./pipeline.ts";

let current: { key: string; env: object; serviceName: string | undefined; pipeline: TelemetryPipeline } | null = null;
/** The last env seen with telemetry off, so an off Worker does not parse its config on every call either. */
let lastOff: object | null = null;

const rawKey = (env: TelemetryEnv, serviceName: string | undefined): string =>
  [
    env.OTEL_EXPORTER_OTLP_ENDPOINT,
    env.OTEL_EXPORTER_OTLP_HEADERS,
    env.OTEL_SERVICE_NAME,
    env.OTEL_METRIC_EXPORT_INTERVAL,
    env.OTEL_TRACES_SAMPLER_ARG,
    env.OTEL_TRACES_EXPORTER,
    env.LOG_REQUESTS_TO_CONSOLE,
    env.ENVIRONMENT,
    serviceName,
  ].join("\u0000");

/**
 * The isolate's pipeline for this env, created on first use; null when telemetry is off
 * (no OTEL_EXPORTER_OTLP_ENDPOINT), so callers skip all work.
 */
export function getPipeline(env: TelemetryEnv & AggregatorEnv, serviceName?: string): TelemetryPipeline | null {
  // Called several times per request (handler, middleware, query observer) with the same env object: no key to build.
  if (current?.env === env && current.serviceName === serviceName) return current.pipeline;
  if (lastOff === env) {
    current = null;
    return null;
  }
  const key = rawKey(env, serviceName);
  if (current?.key === key) {
    current.env = env;
    current.serviceName = serviceName;
    current.pipeline.aggregator = env.TELEMETRY_AGGREGATOR;
    return current.pipeline;
  }
  const config = parseTelemetryConfig(env);
  if (!config) {
    current = null;
    lastOff = env;
    return null;
  }
  if (serviceName) config.serviceName = serviceName;
  current = { key, env, serviceName, pipeline: new TelemetryPipeline(config) };
  current.pipeline.aggregator = env.TELEMETRY_AGGREGATOR;
  return current.pipeline;
}

/** The pipeline of the last request this isolate served, for helpers called without env (cache, business counters). */
export const activePipeline = (): TelemetryPipeline | null => current?.pipeline ?? null;
