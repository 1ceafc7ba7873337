export { regionOf, type RegionLabel } from "./region.ts";
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
export type { UniqueUsersEnv } from "./unique-users/unique-users-client.ts";
