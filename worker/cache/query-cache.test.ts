import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { KV_LIMITS, QUERY_CACHE_TTL } from "../../catalog/index.ts";
import { createStore } from "../store/create-store.ts";
import type { QueryInfo } from "../store/store.ts";
import { createSecret } from "../test/client.ts";
import { cachedMetadata, invalidateQueryCache, queryCacheKey } from "./query-cache.ts";

const TTL_MS = QUERY_CACHE_TTL.value * 1000;

function observedStore() {
  const queries: QueryInfo[] = [];
  return { store: createStore(env, (q) => queries.push(q)), d1Reads: () => queries.filter((q) => q.operation === "read").length };
}

describe("layer 3: KV query cache (cache-aside)", () => {
  it(`answers from KV for ${QUERY_CACHE_TTL.value} s, then reads D1 again (the expiry travels in the value)`, async () => {
    const s = await createSecret({ maxViews: null });
    const { store, d1Reads } = observedStore();
    const now = Date.now();
    const first = await cachedMetadata(env.KV, store, s.id, now, { ttlMs: TTL_MS });
    expect(first).toMatchObject({ id: s.id, views: 0, maxViews: null });
    expect(await cachedMetadata(env.KV, store, s.id, now + TTL_MS - 1, { ttlMs: TTL_MS })).toEqual(first);
    expect(d1Reads()).toBe(1);
    // KV itself would keep the key for its minimum of 60 s; the entry is a miss anyway after 30 s.
    expect(KV_LIMITS.minExpirationTtl.value).toBeGreaterThan(QUERY_CACHE_TTL.value);
    await cachedMetadata(env.KV, store, s.id, now + TTL_MS, { ttlMs: TTL_MS });
    expect(d1Reads()).toBe(2);
  });

  it("stores no id and no content under a hashed key, and never past the secret's expiry", async () => {
    const s = await createSecret({ maxViews: 2, ttlSeconds: 60 });
    const { store, d1Reads } = observedStore();
    const now = Date.now();
    await cachedMetadata(env.KV, store, s.id, now, { ttlMs: TTL_MS });
    const key = await queryCacheKey(s.id);
    expect(key).not.toContain(s.id);
    const { value, metadata } = await env.KV.getWithMetadata(key);
    expect(value).not.toContain(s.id);
    expect(value).not.toContain(s.ciphertext);
    expect(metadata).toBeNull();
    const expiresAt = Date.parse(s.expiresAt);
    expect(JSON.parse(value!).until).toBeLessThanOrEqual(expiresAt);
    // Past the expiry the entry is a miss and D1 says the secret is gone.
    expect(await cachedMetadata(env.KV, store, s.id, expiresAt + 1, { ttlMs: 10 * TTL_MS })).toBeNull();
    expect(d1Reads()).toBe(2);
  });

  it("does not cache unknown ids, and forgets an entry when invalidated", async () => {
    const { store, d1Reads } = observedStore();
    const now = Date.now();
    expect(await cachedMetadata(env.KV, store, "AAAAAAAAAAAAAAAAAAAAAC", now, { ttlMs: TTL_MS })).toBeNull();
    expect(await env.KV.get(await queryCacheKey("AAAAAAAAAAAAAAAAAAAAAC"))).toBeNull();
    const s = await createSecret({ maxViews: null });
    await cachedMetadata(env.KV, store, s.id, now, { ttlMs: TTL_MS });
    await invalidateQueryCache(env.KV, s.id);
    expect(await env.KV.get(await queryCacheKey(s.id))).toBeNull();
    await cachedMetadata(env.KV, store, s.id, now, { ttlMs: TTL_MS });
    expect(d1Reads()).toBe(3);
  });

  it("treats a corrupt entry as a miss", async () => {
    const s = await createSecret({ maxViews: null });
    await env.KV.put(await queryCacheKey(s.id), "{not json");
    const { store, d1Reads } = observedStore();
    expect(await cachedMetadata(env.KV, store, s.id, Date.now(), { ttlMs: TTL_MS })).toMatchObject({ id: s.id });
    expect(d1Reads()).toBe(1);
  });
});
