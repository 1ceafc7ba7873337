import type { TelemetryEnv } from "../config.ts";
import { receiverUrl } from "./receiver.ts";

/** Vars pointing telemetry at the capturing receiver; each call can get its own service name so tests get their own pipeline. */
export const telemetryEnv = (overrides: Partial<TelemetryEnv> = {}): TelemetryEnv => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl(),
  OTEL_METRIC_EXPORT_INTERVAL: "1000",
  OTEL_TRACES_SAMPLER_ARG: "1",
  ENVIRONMENT: "test",
  ...overrides,
});
