export { parseOtlpHeaders, parseTelemetryConfig, type TelemetryConfig, type TelemetryEnv } from "./config.ts";
export { regionOf, type RegionLabel } from "./region.ts";
export { TelemetryPipeline, type FlushReport } from "./pipeline.ts";
export { getPipeline, activePipeline } from "./registry.ts";
export { telemetryMiddleware } from "./middleware.ts";
export { telemetryQueryObserver } from "./query-observer.ts";
export { instrumentWorker, traceProcessor } from "./tracing.ts";
export {
  recordCacheLookup,
  recordRateLimited,
  recordSecretBurned,
  recordSecretCreated,
  recordSecretRevealed,
  recordSecretsPurged,
} from "./business.ts";
export { UniqueUsers } from "./unique-users/unique-users-object.ts";
export { TelemetryAggregator } from "./aggregator/aggregator-object.ts";
export type { AggregatorEnv } from "./aggregator/handoff-client.ts";
export type { UniqueUsersEnv } from "./unique-users/unique-users-client.ts";
