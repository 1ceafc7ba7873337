import { q } from "./quantity.ts";

/** How the Worker's telemetry pipeline behaves: export cadence, timeouts and the bounds that keep it from hurting requests. */
export const TELEMETRY = {
  defaultServiceName: "moltsecret-api",
  tailServiceName: "moltsecret-tail",
  exportInterval: q(60_000, "ms", "OTel's default OTEL_METRIC_EXPORT_INTERVAL; one export per isolate per minute keeps Grafana Cloud's DPM at 1 per series"),
  minExportInterval: q(1_000, "ms", "Floor for OTEL_METRIC_EXPORT_INTERVAL: tests use short intervals, production never needs less"),
  exportTimeout: q(10_000, "ms", "OTel's default OTEL_EXPORTER_OTLP_TIMEOUT; well inside waitUntil's 30 s after the response"),
  traceSampleRatio: q(0.01, "ratio", "Default head-sampling ratio for traces (OTEL_TRACES_SAMPLER_ARG); failed requests are always kept. A sampled request runs through otel-cf-workers, which costs about as much Worker CPU as the request itself (bench: profile), so at 0.1 traces were the largest part of telemetry's CPU; at 0.01 a fleet serving 10 requests/s still keeps ~6 full traces a minute"),
  maxLogRecords: q(2_000, "records", "Log records buffered per isolate between flushes; beyond this they are dropped and counted"),
  maxSpans: q(2_000, "spans", "Finished spans buffered per isolate between flushes; beyond this they are dropped and counted"),
  maxSeriesPerMetric: q(2_000, "series", "Series one isolate keeps per metric (the OTel SDK's default cardinality limit); measurements with further attribute sets go to one otel.metric.overflow=true series"),
  maxOpenTraces: q(1_000, "traces", "Traces in progress tracked per isolate; a new trace beyond this is not recorded (counted as dropped)"),
  warningInterval: q(60_000, "ms", "At most one console warning per kind per isolate in this interval"),
  flushHookTimeout: q(5_000, "ms", "A flush hook (e.g. the UniqueUsers call) that has not settled by then is abandoned, so the exports still run"),
  flushDeadline: q(25_000, "ms", "A flush older than this is treated as dead and a new one may start: waitUntil cancels work 30 s after the response, and a cancelled flush never settles"),
  maxRetryAfter: q(300_000, "ms", "Longest Retry-After (429/503) the exporters honour; a longer or missing one backs off by doubling the interval up to this"),
  aggregatorShards: q(1, "shards", "TelemetryAggregator objects series are spread over by a hash of their identity: one object takes ~1,000 requests/s, and a hand-off per isolate per 60 s reaches that only at ~60,000 isolates (README)"),
  aggregatorMaxRequestsPerSecond: q(1_000, "requests/s", "Cloudflare: one Durable Object handles about 1,000 requests per second (soft limit); shards split the load past it"),
  aggregatorMemory: q(0.128, "GB", "Cloudflare bills an active Durable Object's duration at 128 MB"),
  handoffTimeout: q(2_000, "ms", "A hand-off to the aggregator not answered by then counts as failed; the isolate keeps its delta for the next interval"),
  maxSeriesPerHandoff: q(5_000, "series", "Points per hand-off (about 1.5 MB of RPC); the rest wait for the next one, nothing is lost"),
  handoffDedupRetention: q(86_400_000, "ms", "How long the aggregator remembers an isolate's last applied hand-off sequence after its last hand-off: far beyond an isolate's retry window"),
  seriesIdleRetention: q(3_600_000, "ms", "A series the aggregator got no hand-off for in this long stops being exported (it stops costing an active series); if it comes back it starts again from 0, a counter reset rate() handles"),
  consoleMinStatus: q(500, "status", "With telemetry on, only responses at or above this status also get a console line (Workers Logs); the OTLP log record already carries every request, and a console line per request costs Worker CPU (bench: profile) and a Workers Logs event. LOG_REQUESTS_TO_CONSOLE=all restores one per request"),
  hllPrecision: q(14, "bits", "HyperLogLog with 2^14 registers: 16 KiB per day, standard error 1.04/sqrt(16384) = 0.81%"),
} as const;
