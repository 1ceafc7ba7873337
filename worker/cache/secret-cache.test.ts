import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { KV_HOT, KV_HOT_READS_PER_MINUTE } from "../../catalog/index.ts";
import { createSecret, ORIGIN } from "../test/client.ts";
import { envWithFlags, observedApp } from "../test/observed-app.ts";
import { invalidateQueryCache, queryCacheKey } from "./query-cache.ts";
import { locationHeat, readHeatHash } from "./read-heat.ts";

const kvEntry = async (id: string) => env.KV.get(await queryCacheKey(id));

/** GETs each id `times` times through the real app with the given flags; D1 reads seen by the store. */
async function gets(ids: string[], times: number, flags: Record<string, unknown>) {
  const { app, reads } = observedApp();
  const vars = await envWithFlags(flags);
  for (const id of ids) {
    for (let i = 0; i < times; i++) {
      const ctx = createExecutionContext();
      expect((await app.request(`${ORIGIN}/api/secrets/${id}`, {}, vars, ctx)).status).toBe(200);
      await waitOnExecutionContext(ctx);
    }
  }
  return { d1Reads: reads().length };
}

afterEach(() => vi.restoreAllMocks());

describe("KV for hot data only", () => {
  it("cold reads write no KV: 40 secrets read once each leave no KV entry", async () => {
    const ids = await Promise.all(Array.from({ length: 40 }, async () => (await createSecret({ maxViews: null })).id));
    const { d1Reads } = await gets(ids, 1, {});
    expect(d1Reads).toBe(40);
    for (const id of ids) expect(await kvEntry(id)).toBeNull();
  }, 60_000);

  it("promoting every read (the flag queryCacheEveryRead, the layer before) leaves one KV entry per secret read once", async () => {
    const ids = await Promise.all(Array.from({ length: 5 }, async () => (await createSecret({ maxViews: null })).id));
    await gets(ids, 1, { queryCacheEveryRead: true });
    for (const id of ids) expect(await kvEntry(id)).not.toBeNull();
  });

  it(`a secret read more than ${KV_HOT_READS_PER_MINUTE.value} times a minute is promoted into KV, and then KV answers instead of D1`, async () => {
    const s = await createSecret({ maxViews: null });
    // Edge cache off so every read reaches the layer that decides.
    const threshold = KV_HOT_READS_PER_MINUTE.value;
    const first = await gets([s.id], threshold, { edgeCacheDisabled: true });
    expect(first.d1Reads).toBe(threshold);
    expect(await kvEntry(s.id)).toBeNull();
    const next = await gets([s.id], 20, { edgeCacheDisabled: true });
    // The read that crossed the threshold missed KV and filled it; the others were KV hits.
    expect(next.d1Reads).toBe(1);
    expect(await kvEntry(s.id)).not.toBeNull();
  }, 60_000);

  it(`counts an edge miss in the location exactly, an edge hit only when sampled (1 in ${KV_HOT.locationSampleOneIn.value}) and then as that many`, async () => {
    const s = await createSecret({ maxViews: null });
    const rate = async () => (await locationHeat(await readHeatHash(s.id), Date.now())).rate;
    await gets([s.id], 1, {});
    expect(await rate()).toBeCloseTo(1, 1);
    const random = vi.spyOn(Math, "random").mockReturnValue(0.99);
    await gets([s.id], 3, {});
    expect(await rate()).toBeCloseTo(1, 1);
    random.mockReturnValue(0);
    await gets([s.id], 1, {});
    expect(await rate()).toBeCloseTo(1 + KV_HOT.locationSampleOneIn.value, 1);
  });

  it("invalidation reads before it deletes: a cold secret costs a KV read, not a KV write", async () => {
    const s = await createSecret({ maxViews: null });
    const ops: string[] = [];
    const kv = {
      get: (k: string) => (ops.push("get"), env.KV.get(k)),
      delete: (k: string) => (ops.push("delete"), env.KV.delete(k)),
    } as unknown as KVNamespace;
    await invalidateQueryCache(kv, s.id);
    expect(ops).toEqual(["get"]);
    await env.KV.put(await queryCacheKey(s.id), JSON.stringify({ m: {}, until: Date.now() + 30_000 }));
    await invalidateQueryCache(kv, s.id);
    expect(ops).toEqual(["get", "get", "delete"]);
    expect(await kvEntry(s.id)).toBeNull();
  });
});
