import type { MiddlewareHandler } from "hono";
import { CACHE_LAYERS } from "../../catalog/index.ts";
import type { AppEnv } from "../app-env.ts";
import { REQUEST_ID_HEADER } from "../http/request-id.ts";
import { SECRET_ID_PATTERN } from "../http/tokens.ts";
import { recordCacheLookup } from "../telemetry/business.ts";
import { waitUntilOf } from "./wait-until.ts";

/**
 * Layer 1: the metadata response in this location's Cache API. The key is always a GET of the canonical path (no query
 * string, so `?x=1` cannot bypass it), because the Cache API only matches GET keys.
 */
export const edgeCacheKey = (url: string, id: string) => new Request(new URL(`/api/secrets/${id}`, url).toString(), { method: "GET" });

const hasCache = () => typeof caches !== "undefined";

const maxAgeOf = (res: Response) => Number(/(?:^|,)\s*max-age=(\d+)/.exec(res.headers.get("Cache-Control") ?? "")?.[1] ?? 0);

/**
 * Serves GET/HEAD /api/secrets/:id from the Cache API when it can, and stores 200 responses for their max-age (which
 * the route caps at the secret's time to expiry). Errors of the cache itself never fail the request.
 */
export function edgeCache(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const id = c.req.param("id") ?? "";
    if (c.var.flags.edgeCacheDisabled || !hasCache() || !SECRET_ID_PATTERN.test(id)) return next();
    const key = edgeCacheKey(c.req.url, id);
    let cached: Response | undefined;
    try {
      cached = await caches.default.match(key);
    } catch (err) {
      console.warn(JSON.stringify({ event: "edge_cache.unavailable", op: "match", error: (err as Error).name }));
    }
    if (cached) {
      recordCacheLookup(CACHE_LAYERS.edge, "hit");
      const res = new Response(cached.body, cached);
      res.headers.set(REQUEST_ID_HEADER, c.var.requestId);
      return res;
    }
    recordCacheLookup(CACHE_LAYERS.edge, "miss");
    await next();
    if (c.res.status !== 200 || maxAgeOf(c.res) <= 0) return;
    const copy = new Response(c.res.clone().body, c.res);
    // Per-request headers do not belong in a shared copy (and the Cache API refuses responses with Set-Cookie).
    copy.headers.delete(REQUEST_ID_HEADER);
    copy.headers.delete("Set-Cookie");
    const put = caches.default
      .put(key, copy)
      .catch((err: Error) => console.warn(JSON.stringify({ event: "edge_cache.unavailable", op: "put", error: err.name })));
    const waitUntil = waitUntilOf(c);
    if (waitUntil) waitUntil(put);
    else await put;
  };
}

/** Drops the cached metadata in this location (other locations keep theirs until max-age). */
export async function purgeEdgeCache(url: string, id: string): Promise<void> {
  if (!hasCache()) return;
  try {
    await caches.default.delete(edgeCacheKey(url, id));
  } catch (err) {
    console.warn(JSON.stringify({ event: "edge_cache.unavailable", op: "delete", error: (err as Error).name }));
  }
}
