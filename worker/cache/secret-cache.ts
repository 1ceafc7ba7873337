import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import type { SecretMetadata } from "../store/store.ts";
import { purgeEdgeCache } from "./edge-cache.ts";
import { cachedMetadata, invalidateQueryCache } from "./query-cache.ts";

/** A secret's metadata through the KV query cache, or straight from the store when the flag switches it off. */
export function metadataOf(c: Context<AppEnv>, id: string, now: number): Promise<SecretMetadata | null> {
  if (c.var.flags.queryCacheDisabled) return c.var.store.getMetadata(id, now);
  return cachedMetadata(c.env.KV, c.var.store, id, now, { ttlMs: c.var.config.caching.queryCacheTtlMs });
}

/**
 * After a write to a secret: drop its cached metadata from this location's Cache API and from KV, before answering,
 * so the same client's next GET here sees the change. Done whatever the flags say: entries from before a flip may exist.
 */
export async function invalidateSecret(c: Context<AppEnv>, id: string): Promise<void> {
  await Promise.all([purgeEdgeCache(id), invalidateQueryCache(c.env.KV, id)]);
}
