import { CACHE_LAYERS, KV_LIMITS } from "../../catalog/index.ts";
import { sha256Hex } from "../http/tokens.ts";
import type { SecretMetadata, SecretStore } from "../store/store.ts";
import { recordCacheLookup, recordKvWrite } from "../telemetry/business.ts";

/**
 * Layer 3: hot metadata lookups in KV, cache-aside (secret-cache.ts decides what is hot enough to come here). The key is a hash of the id (an id is the capability to reveal,
 * so a KV listing must not hand them out) and the value holds no id, only the public metadata.
 */
export const queryCacheKey = async (id: string) => `qc:meta:${await sha256Hex(`moltsecret.query-cache:${id}`)}`;

interface CachedMetadata {
  m: Omit<SecretMetadata, "id">;
  /** Epoch ms after which the entry is a miss: KV's own expirationTtl cannot go below 60 s. */
  until: number;
}

export interface QueryCacheOptions {
  ttlMs: number;
}

function decode(raw: string | null, now: number): Omit<SecretMetadata, "id"> | null {
  if (raw === null) return null;
  try {
    const entry = JSON.parse(raw) as CachedMetadata;
    return typeof entry.until === "number" && entry.until > now && entry.m && typeof entry.m.expiresAt === "number" ? entry.m : null;
  } catch {
    return null;
  }
}

/** Metadata through KV: a fresh entry answers without D1; a miss reads D1 and fills KV. Unknown ids are not cached. */
export async function cachedMetadata(kv: KVNamespace, store: SecretStore, id: string, now: number, options: QueryCacheOptions): Promise<SecretMetadata | null> {
  const key = await queryCacheKey(id);
  let raw: string | null = null;
  try {
    raw = await kv.get(key);
  } catch (err) {
    console.warn(JSON.stringify({ event: "query_cache.unavailable", op: "get", error: (err as Error).name }));
  }
  const hit = decode(raw, now);
  if (hit) {
    recordCacheLookup(CACHE_LAYERS.kv, "hit");
    return hit.expiresAt > now ? { id, ...hit } : null;
  }
  recordCacheLookup(CACHE_LAYERS.kv, "miss");
  const meta = await store.getMetadata(id, now);
  if (meta) {
    const { id: _omit, ...m } = meta;
    // Never past the secret's own expiry; KV drops the key itself a little later (its minimum TTL is 60 s).
    const entry: CachedMetadata = { m, until: Math.min(now + options.ttlMs, meta.expiresAt) };
    // Awaited, not left to waitUntil: a client's next request then finds the entry, so a cold start costs at most one
    // D1 read per concurrent request instead of one per request until the write lands. Misses are rare enough.
    try {
      await kv.put(key, JSON.stringify(entry), { expirationTtl: KV_LIMITS.minExpirationTtl.value });
      recordKvWrite("promote");
    } catch (err) {
      console.warn(JSON.stringify({ event: "query_cache.unavailable", op: "put", error: (err as Error).name }));
    }
  }
  return meta;
}

/**
 * Drops the cached metadata of a secret after a write to it. Only hot secrets have an entry, so it is read first: a KV
 * read ($0.50/M) instead of a delete ($5/M) for every cold one. Failures are logged: the entry then ages out within the TTL.
 */
export async function invalidateQueryCache(kv: KVNamespace, id: string): Promise<void> {
  try {
    const key = await queryCacheKey(id);
    const present = (await kv.get(key)) !== null;
    recordCacheLookup(CACHE_LAYERS.kv, present ? "hit" : "miss");
    if (!present) return;
    await kv.delete(key);
    recordKvWrite("invalidate");
  } catch (err) {
    console.warn(JSON.stringify({ event: "query_cache.unavailable", op: "delete", error: (err as Error).name }));
  }
}
