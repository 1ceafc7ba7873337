// Benchmark anchor: the same Hono app with only @microlabs/otel-cf-workers at its defaults (traces, one
// OTLP export per request, no sampling), as a user would add it. Our own telemetry stays off here.
// Built and run with the API's own wrangler.toml and this file as the entry (bench/lib/variants.ts), so its
// D1/KV/Durable Object bindings and migrations are the API's by construction (a copied config drifted).
import { instrument, type ResolveConfigFn } from "@microlabs/otel-cf-workers";
import { createApp } from "../../worker/app.ts";
import { purgeExpired } from "../../worker/scheduled/purge.ts";
import { createStore } from "../../worker/store/create-store.ts";

export { RateLimiter } from "../../worker/rate-limit/rate-limiter.ts";
export { ViewCounter } from "../../worker/view-counting/view-counter.ts";
export { TelemetryAggregator, UniqueUsers } from "./telemetry-objects-stub.ts";

interface BenchEnv extends Env {
  /** Full OTLP/HTTP traces URL of the bench's local receiver. */
  BENCH_TRACES_URL: string;
}

const app = createApp();

const config: ResolveConfigFn<BenchEnv> = (env) => ({
  exporter: { url: env.BENCH_TRACES_URL },
  service: { name: "moltsecret-otel-cf-only" },
});

const handler: ExportedHandler<BenchEnv> = {
  fetch: app.fetch,
  async scheduled(_controller, env) {
    await purgeExpired(createStore(env), Date.now());
  },
};

export default instrument(handler, config as ResolveConfigFn);
