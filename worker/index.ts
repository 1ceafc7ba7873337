import { createApp } from "./app.ts";
import { purgeExpired } from "./scheduled/purge.ts";
import { createStore } from "./store/create-store.ts";

export { RateLimiter } from "./rate-limit/rate-limiter.ts";

const app = createApp();

export default {
  fetch: app.fetch,

  async scheduled(_controller, env, _ctx) {
    const purged = await purgeExpired(createStore(env), Date.now());
    console.log(JSON.stringify({ event: "purge", purged }));
  },
} satisfies ExportedHandler<Env>;
