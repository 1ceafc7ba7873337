export { parseOtlpHeaders, parseTelemetryConfig, type TelemetryConfig, type TelemetryEnv } from "./config.ts";
export { TelemetryPipeline, type FlushReport } from "./pipeline.ts";
export { getPipeline, activePipeline } from "./registry.ts";
export { TelemetryAggregator } from "./aggregator/aggregator-object.ts";
export type { AggregatorEnv } from "./aggregator/handoff-client.ts";
