import { q } from "./quantity.ts";

/** How the Worker's telemetry pipeline behaves: export cadence, timeouts and the bounds that keep it from hurting requests. */
export const TELEMETRY = {
  defaultServiceName: "moltsecret-api",
  tailServiceName: "moltsecret-tail",
  exportInterval: q(60_000, "ms", "OTel's default OTEL_METRIC_EXPORT_INTERVAL; one export per isolate per minute keeps Grafana Cloud's DPM at 1 per series"),
  minExportInterval: q(1_000, "ms", "Floor for OTEL_METRIC_EXPORT_INTERVAL: tests use short intervals, production never needs less"),
  exportTimeout: q(10_000, "ms", "OTel's default OTEL_EXPORTER_OTLP_TIMEOUT; well inside waitUntil's 30 s after the response"),
  traceSampleRatio: q(0.1, "ratio", "Default head-sampling ratio for traces (OTEL_TRACES_SAMPLER_ARG); errors are always kept"),
  maxLogRecords: q(2_000, "records", "Log records buffered per isolate between flushes; beyond this they are dropped and counted"),
  maxSpans: q(2_000, "spans", "Finished spans buffered per isolate between flushes; beyond this they are dropped and counted"),
  maxOpenTraces: q(1_000, "traces", "Traces in progress tracked per isolate; a new trace beyond this is not recorded (counted as dropped)"),
  warningInterval: q(60_000, "ms", "At most one console warning per kind per isolate in this interval"),
  hllPrecision: q(14, "bits", "HyperLogLog with 2^14 registers: 16 KiB per day, standard error 1.04/sqrt(16384) = 0.81%"),
} as const;
