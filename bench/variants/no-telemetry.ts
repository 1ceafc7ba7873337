// Benchmark baseline for the bundle comparison: the same Hono app and handlers with nothing of worker/telemetry
// wired in, so the difference to worker/index.ts is what telemetry adds to the deployed bundle.
import { createApp } from "../../worker/app.ts";
import { purgeExpired } from "../../worker/scheduled/purge.ts";
import { createStore } from "../../worker/store/create-store.ts";

export { RateLimiter } from "../../worker/rate-limit/rate-limiter.ts";
export { ViewCounter } from "../../worker/view-counting/view-counter.ts";
export { TelemetryAggregator, UniqueUsers } from "./telemetry-objects-stub.ts";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(_controller, env) {
    await purgeExpired(createStore(env), Date.now());
  },
} satisfies ExportedHandler<Env>;
