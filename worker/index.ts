import { createApp } from "./app.ts";
import { purgeExpired } from "./scheduled/purge.ts";
import { createStore } from "./store/create-store.ts";
import { getPipeline } from "../otlp/index.ts";
import { instrumentWorker, recordSecretsPurged, telemetryMiddleware, telemetryQueryObserver } from "./telemetry/index.ts";
import { viewCounterHooks } from "./view-counting/view-counter.ts";
import { WriterStore } from "./store/writer-store.ts";

export { RateLimiter } from "./rate-limit/rate-limiter.ts";
export { ViewCounter } from "./view-counting/view-counter.ts";
export { TelemetryAggregator } from "../otlp/index.ts";
export { UniqueUsers } from "./telemetry/index.ts";

const app = createApp({ use: [telemetryMiddleware()] });

// Write-behind flushes report to the D1 metrics; on the edge the object has its own isolate and pipeline, so its
// metrics leave from the alarm, at most once per interval.
viewCounterHooks.flushStore = (env) => createStore(env, telemetryQueryObserver(env));
viewCounterHooks.afterAlarm = (env, ctx) => void getPipeline(env)?.maybeFlush(ctx);

export default instrumentWorker({
  fetch: app.fetch,

  async scheduled(_controller, env, _ctx) {
    const store = createStore(env, telemetryQueryObserver(env));
    // Through the write Worker the whole chunked purge is one call, so its round trips run next to the primary.
    const purged = store instanceof WriterStore ? await store.purgeExpired(Date.now()) : await purgeExpired(store, Date.now());
    recordSecretsPurged(purged);
    console.log(JSON.stringify({ event: "purge", purged }));
  },
} satisfies ExportedHandler<Env>);
