import type { Context, MiddlewareHandler } from "hono";
import { CACHE_LAYERS } from "../../catalog/index.ts";
import type { AppEnv } from "../app-env.ts";
import { REQUEST_ID_HEADER } from "../http/request-id.ts";
import { SECRET_ID_PATTERN } from "../http/tokens.ts";
import { recordCacheLookup } from "../telemetry/business.ts";
import { EDGE_CACHE_ORIGIN } from "./cache-origin.ts";
import { waitUntilOf } from "./wait-until.ts";

/**
 * Layer 1: the metadata response in this location's Cache API. The key is always a GET (the Cache API only matches
 * GET keys) of the canonical path under EDGE_CACHE_ORIGIN: no host, no query string, so neither can bypass it.
 */
export const edgeCacheKey = (id: string) => new Request(`${EDGE_CACHE_ORIGIN}/api/secrets/${id}`, { method: "GET" });

const hasCache = () => typeof caches !== "undefined";

const maxAgeOf = (res: Response) => Number(/(?:^|,)\s*max-age=(\d+)/.exec(res.headers.get("Cache-Control") ?? "")?.[1] ?? 0);

const unavailable = (op: string) => (err: Error) => console.warn(JSON.stringify({ event: "edge_cache.unavailable", op, error: err.name }));

const usable = (c: Context<AppEnv>, id: string) => !c.var.flags.edgeCacheDisabled && hasCache() && SECRET_ID_PATTERN.test(id);

/** Stores `copy` in the background when the request has a context (its own request never waits for it). */
async function store(c: Context<AppEnv>, id: string, copy: Response): Promise<void> {
  // Per-request headers do not belong in a shared copy (and the Cache API refuses responses with Set-Cookie).
  copy.headers.delete(REQUEST_ID_HEADER);
  copy.headers.delete("Set-Cookie");
  const put = caches.default.put(edgeCacheKey(id), copy).catch(unavailable("put"));
  const waitUntil = waitUntilOf(c);
  if (waitUntil) waitUntil(put);
  else await put;
}

/**
 * The negative cache: remembers in this location that `id` is gone. Only ever called with a 404 the store gave, and
 * a 404 stays true (an id is 128 random bits; burned and expired ids never come back), so it is safe to keep for
 * `notFoundMaxAgeSeconds`. The client still gets `no-store`: this copy is for the Cache API only, which is free;
 * KV would bill a write ($5/M) to save a D1 read ($0.001/M).
 */
export async function rememberMissing(c: Context<AppEnv>, id: string, notFound: Response): Promise<void> {
  if (!usable(c, id)) return;
  const copy = new Response(notFound.clone().body, notFound);
  copy.headers.set("Cache-Control", `max-age=${c.var.config.metadataCache.notFoundMaxAgeSeconds}`);
  await store(c, id, copy);
}

async function lookup(c: Context<AppEnv>, id: string): Promise<Response | undefined> {
  try {
    return await caches.default.match(edgeCacheKey(id));
  } catch (err) {
    unavailable("match")(err as Error);
    return undefined;
  }
}

/** True when this location has cached that `id` is gone: the caller answers 404 without a database query. */
export async function knownMissing(c: Context<AppEnv>, id: string): Promise<boolean> {
  if (!usable(c, id)) return false;
  const cached = await lookup(c, id);
  return cached?.status === 404;
}

/**
 * Serves GET/HEAD /api/secrets/:id from the Cache API when it can, and stores 200 responses for their max-age (which
 * the route caps at the secret's time to expiry) and 404s as the negative cache. Errors of the cache itself never
 * fail the request.
 */
export function edgeCache(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const id = c.req.param("id") ?? "";
    if (!usable(c, id)) return next();
    const cached = await lookup(c, id);
    if (cached) {
      recordCacheLookup(CACHE_LAYERS.edge, "hit");
      const res = new Response(cached.body, cached);
      res.headers.set(REQUEST_ID_HEADER, c.var.requestId);
      if (res.status !== 200) res.headers.set("Cache-Control", "no-store");
      return res;
    }
    recordCacheLookup(CACHE_LAYERS.edge, "miss");
    await next();
    if (c.res.status === 404) return rememberMissing(c, id, c.res);
    if (c.res.status !== 200 || maxAgeOf(c.res) <= 0) return;
    await store(c, id, new Response(c.res.clone().body, c.res));
  };
}

/** Drops the cached metadata in this location (other locations keep theirs until max-age). */
export async function purgeEdgeCache(id: string): Promise<void> {
  if (!hasCache()) return;
  await caches.default.delete(edgeCacheKey(id)).catch(unavailable("delete"));
}
