// Bench variant for the KV hot-data comparison: the API app (telemetry off) with every D1 read counted by the store's
// query observer (the hook telemetry uses) and every KV operation counted at the binding, by kind and key family.
// GET /__bench/counts answers the isolate's counts; POST /__bench/counts answers them and starts over.
// POST /__bench/expire-edge {urls: [...]} drops those metadata entries from the Cache API: Miniflare keeps an entry for
// max-age + stale-while-revalidate (360 s), Cloudflare's Cache API for max-age (60 s), so the bench expires them itself.
// Locations: on Cloudflare each data center has its own Cache API; here one isolate serves every simulated location,
// so `caches.default` is, for each request and all it starts, the named cache of its host (location-N.bench).
// Nothing else differs.
import { AsyncLocalStorage } from "node:async_hooks";
import { createApp } from "../../worker/app.ts";
import { edgeCacheKey } from "../../worker/cache/edge-cache.ts";

export { RateLimiter, TelemetryAggregator, UniqueUsers, ViewCounter } from "../../worker/index.ts";

export interface BindingCounts {
  d1Reads: number;
  d1RowsRead: number;
  /** KV operations on the metadata query cache's keys (qc:*). */
  queryCacheKvReads: number;
  queryCacheKvWrites: number;
  /** KV reads of everything else (the flags key). */
  otherKvReads: number;
}

const zero = (): BindingCounts => ({ d1Reads: 0, d1RowsRead: 0, queryCacheKvReads: 0, queryCacheKvWrites: 0, otherKvReads: 0 });
let counts = zero();

const app = createApp({
  use: [
    async (c, next) => {
      c.set("queryObserver", (q) => {
        if (q.operation !== "read") return;
        counts.d1Reads++;
        counts.d1RowsRead += q.rowsRead ?? 0;
      });
      await next();
    },
  ],
});

const realCaches: CacheStorage = caches;
const locationCache = new AsyncLocalStorage<Cache>();
const opened = new Map<string, Cache>();
Object.defineProperty(globalThis, "caches", {
  configurable: true,
  value: { get default() { return locationCache.getStore() ?? realCaches.default; }, open: (name: string) => realCaches.open(name) },
});
async function cacheOf(url: string): Promise<Cache> {
  const host = new URL(url).host;
  const known = opened.get(host);
  if (known) return known;
  const cache = await realCaches.open(`location:${host}`);
  opened.set(host, cache);
  return cache;
}

const READS = new Set(["get", "getWithMetadata"]);
const WRITES = new Set(["put", "delete"]);

function countedKv(kv: KVNamespace): KVNamespace {
  return new Proxy(kv, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (typeof value !== "function") return value;
      const name = String(prop);
      return (key: unknown, ...rest: unknown[]) => {
        const queryCache = typeof key === "string" && key.startsWith("qc:");
        if (READS.has(name)) {
          if (queryCache) counts.queryCacheKvReads++;
          else counts.otherKvReads++;
        } else if (WRITES.has(name) && queryCache) counts.queryCacheKvWrites++;
        return (value as (...a: unknown[]) => unknown).call(target, key, ...rest);
      };
    },
  });
}

export default {
  async fetch(request, env, ctx) {
    if (new URL(request.url).pathname === "/__bench/expire-edge") {
      const { urls } = (await request.json()) as { urls: string[] };
      await Promise.all(urls.map(async (u) => (await cacheOf(u)).delete(edgeCacheKey(new URL(u).pathname.split("/").pop()!))));
      return Response.json({ expired: urls.length });
    }
    if (new URL(request.url).pathname === "/__bench/counts") {
      const answer = Response.json(counts);
      if (request.method === "POST") counts = zero();
      return answer;
    }
    const cache = await cacheOf(request.url);
    return locationCache.run(cache, () => app.fetch(request, { ...env, KV: countedKv(env.KV) }, ctx));
  },
} satisfies ExportedHandler<Env>;
