import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { EDGE_CACHE, KV_HOT_READS_PER_MINUTE } from "../../catalog/index.ts";
import { call, createSecret, expectError, ORIGIN, reveal } from "../test/client.ts";
import { bounded, waitFor } from "../test/load.ts";
import { envWithFlags, observedApp } from "../test/observed-app.ts";
import { edgeCacheKey } from "./edge-cache.ts";
import { queryCacheKey } from "./query-cache.ts";

const GETS = 1_000;
const CONCURRENCY = 10;
const edgeEntry = (id: string) => caches.default.match(edgeCacheKey(id));
const kvEntry = async (id: string) => env.KV.get(await queryCacheKey(id));

/**
 * 1,000 metadata GETs of one secret through the real app, 10 at a time from a cold start; D1 reads seen by the store,
 * and what the edge and KV layers hold for the secret afterwards. The read limit is off: this measures the caches.
 */
async function thousandGets(flags: Record<string, unknown>, { hotFirst = false } = {}) {
  const s = await createSecret({ maxViews: null });
  const { app, reads, rowsRead } = observedApp();
  const vars = await envWithFlags(flags, { RATE_LIMIT_READ_PER_MINUTE: "0" });
  const ctx = createExecutionContext();
  const get = async () => (await app.request(`${ORIGIN}/api/secrets/${s.id}`, {}, vars, ctx)).status;
  // hotFirst: one at a time up to the hot threshold, so the concurrent GETs start on a hot secret not yet in KV.
  if (hotFirst) for (let i = 0; i < KV_HOT_READS_PER_MINUTE.value; i++) expect(await get()).toBe(200);
  const [readsBefore, rowsBefore] = [reads().length, rowsRead()];
  const started = Date.now();
  const statuses = await bounded(GETS, CONCURRENCY, get);
  await waitOnExecutionContext(ctx);
  expect(statuses.every((st) => st === 200)).toBe(true);
  const report = { flags, gets: GETS, d1Reads: reads().length - readsBefore, d1RowsRead: rowsRead() - rowsBefore, ms: Date.now() - started };
  console.log(JSON.stringify(report));
  return { ...report, edge: await edgeEntry(s.id), kv: await kvEntry(s.id) };
}

describe("layer 1 + 3: metadata GETs", () => {
  // KV holds hot secrets only (KV for hot data only): until its edge entry lands, a secret's first reads are cold and
  // go to D1 without filling KV, and the first hot round misses KV together: two rounds of concurrent misses at most.
  it(`${GETS} GETs of one secret, ${CONCURRENCY} at a time from cold, cost at most two D1 reads per concurrent request with caching on`, async () => {
    const { d1Reads, edge } = await thousandGets({});
    expect(d1Reads).toBeGreaterThanOrEqual(1);
    expect(d1Reads).toBeLessThanOrEqual(2 * CONCURRENCY);
    expect(edge?.status).toBe(200);
  }, 120_000);

  it(`edgeCacheDisabled: the edge cache is neither read nor filled; from a hot secret's cold KV, the KV query cache alone costs at most one D1 read per concurrent request (${CONCURRENCY}) for ${GETS} GETs`, async () => {
    const { d1Reads, edge, kv } = await thousandGets({ edgeCacheDisabled: true }, { hotFirst: true });
    expect(edge).toBeUndefined();
    expect(kv).not.toBeNull();
    expect(d1Reads).toBeGreaterThanOrEqual(1);
    expect(d1Reads).toBeLessThanOrEqual(CONCURRENCY);
  }, 120_000);

  it("queryCacheDisabled: the KV query cache is neither read nor filled (with the edge off too, every GET reads D1)", async () => {
    const { d1Reads, edge, kv } = await thousandGets({ queryCacheDisabled: true, edgeCacheDisabled: true });
    expect(kv).toBeNull();
    expect(edge).toBeUndefined();
    expect(d1Reads).toBe(GETS);
    const edgeOnly = await thousandGets({ queryCacheDisabled: true });
    expect(edgeOnly.kv).toBeNull();
    expect(edgeOnly.edge?.status).toBe(200);
  }, 240_000);

  it(`with cachingDisabled every one of ${GETS} GETs reads D1 (the counter sees every read)`, async () => {
    const { d1Reads, edge, kv } = await thousandGets({ cachingDisabled: true });
    expect(d1Reads).toBe(GETS);
    expect(edge).toBeUndefined();
    expect(kv).toBeNull();
  }, 120_000);

  it("caches the metadata without content or request id; a hit gets its own request id; a query string does not bypass it", async () => {
    const s = await createSecret({ maxViews: null });
    const { app, reads } = observedApp();
    const ctx = createExecutionContext();
    const first = await app.request(`${ORIGIN}/api/secrets/${s.id}`, {}, env, ctx);
    await waitOnExecutionContext(ctx);
    const firstId = first.headers.get("X-Request-Id");
    expect(firstId).toMatch(/^[0-9a-f-]{36}$/);
    const stored = await edgeEntry(s.id);
    expect(stored?.headers.get("X-Request-Id")).toBeNull();
    const text = await stored!.text();
    expect(text).not.toContain(s.ciphertext);
    expect(JSON.parse(text)).toMatchObject({ id: s.id, views: 0, maxViews: null });
    const readsAfterFirst = reads().length;
    const hit = await app.request(`${ORIGIN}/api/secrets/${s.id}?bust=${Math.random()}`, {}, env, createExecutionContext());
    expect(hit.status).toBe(200);
    expect(hit.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(hit.headers.get("X-Request-Id")).not.toBe(firstId);
    expect(hit.headers.get("Cache-Control")).toMatch(/^public, max-age=\d+, stale-while-revalidate=\d+$/);
    expect(await hit.json()).toMatchObject({ id: s.id, views: 0 });
    const head = await app.request(`${ORIGIN}/api/secrets/${s.id}`, { method: "HEAD" }, env, createExecutionContext());
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    expect(reads().length).toBe(readsAfterFirst);
  });

  it("never caches reveals or deletes: the metadata they change is purged, not replaced by their responses", async () => {
    const s = await createSecret({ maxViews: 2 });
    expect((await call(`/api/secrets/${s.id}`)).status).toBe(200);
    await waitFor(async () => (await edgeEntry(s.id)) !== undefined, 5_000);
    const res = await reveal(s.id);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(await caches.default.match(new Request(`${ORIGIN}/api/secrets/${s.id}/reveal`))).toBeUndefined();
    expect(await edgeEntry(s.id)).toBeUndefined();
    expect((await call(`/api/secrets/${s.id}`)).status).toBe(200);
    await waitFor(async () => (await edgeEntry(s.id))?.status === 200, 5_000);
    const del = await call(`/api/secrets/${s.id}`, { method: "DELETE", headers: { "X-Delete-Token": s.deleteToken } });
    expect(del.status).toBe(204);
    const after = await edgeEntry(s.id);
    expect(after?.status ?? 404).toBe(404);
    expect(await kvEntry(s.id)).toBeNull();
  });
});

describe("invalidation in this location", () => {
  /**
   * GETs the metadata through the real Worker until it is hot (KV holds hot secrets only), then once more past the edge
   * cache so KV is filled, and waits until both caches hold it.
   */
  async function warm(id: string): Promise<void> {
    for (let i = 0; i <= KV_HOT_READS_PER_MINUTE.value; i++) expect((await call(`/api/secrets/${id}`)).status).toBe(200);
    await caches.default.delete(edgeCacheKey(id));
    expect((await call(`/api/secrets/${id}`)).status).toBe(200);
    await waitFor(async () => (await edgeEntry(id)) !== undefined && (await kvEntry(id)) !== null, 5_000);
  }

  it("a reveal that burns makes the metadata 404 at once, without waiting for the TTL", async () => {
    const s = await createSecret({ maxViews: 1 });
    await warm(s.id);
    expect((await reveal(s.id)).status).toBe(200);
    await expectError(await call(`/api/secrets/${s.id}`), 404, "not_found");
    // The live metadata is gone; at most the negative cache remembers the 404.
    expect((await edgeEntry(s.id))?.status ?? 404).toBe(404);
    expect(await kvEntry(s.id)).toBeNull();
  });

  it("a delete makes the metadata 404 at once", async () => {
    const s = await createSecret({ maxViews: null });
    await warm(s.id);
    const del = await call(`/api/secrets/${s.id}`, { method: "DELETE", headers: { "X-Delete-Token": s.deleteToken } });
    expect(del.status).toBe(204);
    await expectError(await call(`/api/secrets/${s.id}`), 404, "not_found");
  });

  it("a limited view shows in the metadata at once (views and remainingViews)", async () => {
    const s = await createSecret({ maxViews: 3 });
    await warm(s.id);
    expect((await reveal(s.id)).status).toBe(200);
    expect(await (await call(`/api/secrets/${s.id}`)).json()).toMatchObject({ views: 1, remainingViews: 2 });
  });

  it("concurrent reveals of a maxViews=3 secret, mixed with metadata GETs, never yield more than 3 successes", async () => {
    const { app } = observedApp();
    const vars = { ...env, RATE_LIMIT_REVEAL_PER_MINUTE: "0" };
    for (let round = 0; round < 3; round++) {
      const s = await createSecret({ maxViews: 3 });
      const ctx = createExecutionContext();
      const send = (i: number) =>
        i % 2 === 0
          ? app.request(`${ORIGIN}/api/secrets/${s.id}/reveal`, { method: "POST" }, vars, ctx)
          : app.request(`${ORIGIN}/api/secrets/${s.id}`, {}, vars, ctx);
      const responses = await Promise.all(Array.from({ length: 60 }, (_, i) => send(i)));
      await waitOnExecutionContext(ctx);
      const reveals = responses.filter((_, i) => i % 2 === 0);
      const ok = reveals.filter((r) => r.status === 200);
      expect(ok).toHaveLength(3);
      expect(reveals.filter((r) => r.status === 404)).toHaveLength(27);
      const views = await Promise.all(ok.map(async (r) => ((await r.json()) as { views: number }).views));
      expect(views.sort()).toEqual([1, 2, 3]);
      expect((await app.request(`${ORIGIN}/api/secrets/${s.id}`, {}, vars, createExecutionContext())).status).toBe(404);
    }
  }, 60_000);
});

describe("negative cache, one key for every host, and no stale metadata past the expiry", () => {
  const unknownId = () => crypto.randomUUID().replace(/-/g, "").slice(0, 22);

  async function send(app: ReturnType<typeof observedApp>["app"], url: string, init: RequestInit = {}): Promise<Response> {
    const ctx = createExecutionContext();
    const res = await app.request(url, init, env, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  }

  it("answers an unknown id from the Cache API after one D1 read: GET, HEAD, reveal and delete of it query nothing more, and clients still get no-store", async () => {
    const id = unknownId();
    const { app, queries } = observedApp();
    await expectError(await send(app, `${ORIGIN}/api/secrets/${id}`), 404, "not_found");
    expect(queries).toHaveLength(1);
    expect((await edgeEntry(id))?.status).toBe(404);
    await expectError(await send(app, `${ORIGIN}/api/secrets/${id}`), 404, "not_found");
    expect((await send(app, `${ORIGIN}/api/secrets/${id}`, { method: "HEAD" })).status).toBe(404);
    await expectError(await send(app, `${ORIGIN}/api/secrets/${id}/reveal`, { method: "POST" }), 404, "not_found");
    await expectError(await send(app, `${ORIGIN}/api/secrets/${id}`, { method: "DELETE", headers: { "X-Delete-Token": "t" } }), 404, "not_found");
    expect(queries).toHaveLength(1);
    expect(await kvEntry(id)).toBeNull();
  });

  it("remembers a burned secret as gone once the store says so, and never a live one", async () => {
    const { app, queries } = observedApp();
    const s = await createSecret({ maxViews: 1 });
    expect((await send(app, `${ORIGIN}/api/secrets/${s.id}/reveal`, { method: "POST" })).status).toBe(200);
    await expectError(await send(app, `${ORIGIN}/api/secrets/${s.id}/reveal`, { method: "POST" }), 404, "not_found");
    const before = queries.length;
    await expectError(await send(app, `${ORIGIN}/api/secrets/${s.id}`), 404, "not_found");
    expect(queries.length).toBe(before);
    const live = await createSecret({ maxViews: null });
    expect((await send(app, `${ORIGIN}/api/secrets/${live.id}`)).status).toBe(200);
    expect((await edgeEntry(live.id))?.status).toBe(200);
  });

  it("keys the edge cache independently of the host: a burn through one hostname purges what another cached", async () => {
    const { app } = observedApp();
    const s = await createSecret({ maxViews: 1 });
    expect((await send(app, `https://api.moltsecret.test/api/secrets/${s.id}`)).status).toBe(200);
    expect((await edgeEntry(s.id))?.status).toBe(200);
    expect((await send(app, `https://moltsecret-api.example.workers.dev/api/secrets/${s.id}/reveal`, { method: "POST" })).status).toBe(200);
    await expectError(await send(app, `https://api.moltsecret.test/api/secrets/${s.id}`), 404, "not_found");
  });

  it("caps stale-while-revalidate with max-age at the secret's expiry", async () => {
    for (const ttlSeconds of [90, 61]) {
      const s = await createSecret({ maxViews: null, ttlSeconds });
      const res = await call(`/api/secrets/${s.id}`);
      const left = (Date.parse(s.expiresAt) - Date.now()) / 1000;
      const m = /^public, max-age=(\d+), stale-while-revalidate=(\d+)$/.exec(res.headers.get("Cache-Control") ?? "");
      expect(m).not.toBeNull();
      const [maxAge, swr] = [Number(m![1]), Number(m![2])];
      expect(maxAge).toBeLessThanOrEqual(EDGE_CACHE.maxAge.value);
      expect(maxAge + swr).toBeLessThanOrEqual(Math.ceil(left));
      expect(maxAge + swr).toBeGreaterThanOrEqual(Math.floor(left) - 2);
    }
    const long = await createSecret({ maxViews: null });
    expect((await call(`/api/secrets/${long.id}`)).headers.get("Cache-Control")).toBe(
      `public, max-age=${EDGE_CACHE.maxAge.value}, stale-while-revalidate=${EDGE_CACHE.staleWhileRevalidate.value}`,
    );
  });
});
