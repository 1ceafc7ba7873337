import { createApp } from "./app.ts";
import { purgeExpired } from "./scheduled/purge.ts";
import { createStore } from "./store/create-store.ts";
import { instrumentWorker, recordSecretsPurged, telemetryMiddleware, telemetryQueryObserver } from "./telemetry/index.ts";

export { RateLimiter } from "./rate-limit/rate-limiter.ts";
export { ViewCounter } from "./views/view-counter.ts";
export { UniqueUsers } from "./telemetry/index.ts";

const app = createApp({ use: [telemetryMiddleware()] });

export default instrumentWorker({
  fetch: app.fetch,

  async scheduled(_controller, env, _ctx) {
    const purged = await purgeExpired(createStore(env, telemetryQueryObserver(env)), Date.now());
    recordSecretsPurged(purged);
    console.log(JSON.stringify({ event: "purge", purged }));
  },
} satisfies ExportedHandler<Env>);
