import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { FLAG_CACHE_TTL } from "../../catalog/index.ts";
import { createApp } from "../app.ts";
import { createSecret, expectError, ORIGIN } from "../test/client.ts";
import { withFaults } from "../test/faults.ts";
import { envWithFlags } from "../test/observed-app.ts";
import { edgeCacheKey } from "./edge-cache.ts";
import { DEFAULT_FLAGS } from "../operator-flags.ts";
import { FlagCache, parseFlags } from "./flags.ts";

const TTL_MS = FLAG_CACHE_TTL.value * 1000;

describe("parseFlags", () => {
  it("defaults everything on (caching) and off (createDisabled) when the key is absent", () => {
    expect(parseFlags(null)).toEqual(DEFAULT_FLAGS);
    expect(DEFAULT_FLAGS).toEqual({ createDisabled: false, edgeCacheDisabled: false, queryCacheDisabled: false, queryCacheEveryRead: false, writeBehindDisabled: false });
  });

  it("reads each flag, and cachingDisabled switches all three caching layers off", () => {
    expect(parseFlags('{"createDisabled":true,"queryCacheDisabled":true}')).toEqual({ ...DEFAULT_FLAGS, createDisabled: true, queryCacheDisabled: true });
    expect(parseFlags('{"cachingDisabled":true}')).toEqual({ createDisabled: false, edgeCacheDisabled: true, queryCacheDisabled: true, queryCacheEveryRead: false, writeBehindDisabled: true });
  });

  it("ignores unknown fields and wrong types with a warning, and survives bad JSON", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(parseFlags('{"createDisabled":"yes","bogus":1}')).toEqual(DEFAULT_FLAGS);
    expect(JSON.parse(String(warn.mock.calls[0]?.[0]))).toEqual({ event: "flags.ignored", fields: ["bogus", "createDisabled"] });
    expect(parseFlags("{nope")).toEqual(DEFAULT_FLAGS);
    expect(parseFlags("[true]")).toEqual(DEFAULT_FLAGS);
    expect(warn).toHaveBeenCalledTimes(3);
    warn.mockRestore();
  });
});

describe("FlagCache (real KV, cached in the isolate)", () => {
  const freshKey = () => `flags-test-${crypto.randomUUID()}`;

  it(`re-reads KV at most once per ${FLAG_CACHE_TTL.value} s`, async () => {
    const key = freshKey();
    const { binding: kv, faults } = withFaults(env.KV);
    const kvReads = () => faults.calls.filter((m) => m === "get").length;
    const cache = new FlagCache();
    await env.KV.put(key, '{"createDisabled":true}');
    const now = Date.now();
    expect((await cache.get(kv, key, TTL_MS, now)).createDisabled).toBe(true);
    await env.KV.put(key, '{"createDisabled":false}');
    expect((await cache.get(kv, key, TTL_MS, now + TTL_MS - 1)).createDisabled).toBe(true);
    expect(kvReads()).toBe(1);
    expect((await cache.get(kv, key, TTL_MS, now + TTL_MS)).createDisabled).toBe(false);
    expect(kvReads()).toBe(2);
  });

  it("never makes one request wait on another's KV read: during a refresh the others get the stale flags at once", async () => {
    const key = freshKey();
    await env.KV.put(key, '{"createDisabled":true}');
    const { binding: kv, faults } = withFaults(env.KV);
    const cache = new FlagCache();
    const now = Date.now();
    // Cold: each caller reads for itself (workerd would cancel a request awaiting another request's I/O).
    let gate = faults.hold("get");
    const cold = [cache.get(kv, key, TTL_MS, now), cache.get(kv, key, TTL_MS, now)];
    expect(gate.held()).toBe(2);
    gate.release();
    expect((await Promise.all(cold)).every((f) => f.createDisabled)).toBe(true);
    // Expired: the first caller refreshes; a concurrent one answers from the stale entry without waiting.
    gate = faults.hold("get");
    const refresh = cache.get(kv, key, TTL_MS, now + TTL_MS);
    expect(gate.held()).toBe(1);
    expect((await cache.get(kv, key, TTL_MS, now + TTL_MS + 1)).createDisabled).toBe(true);
    expect(gate.held()).toBe(1);
    await env.KV.put(key, '{"createDisabled":false}');
    gate.release();
    expect((await refresh).createDisabled).toBe(false);
    expect((await cache.get(kv, key, TTL_MS, now + TTL_MS + 2)).createDisabled).toBe(false);
    // A refresh that never finishes is retried by another request one TTL later.
    gate = faults.hold("get");
    const stuck = [cache.get(kv, key, TTL_MS, now + 3 * TTL_MS), cache.get(kv, key, TTL_MS, now + 4 * TTL_MS)];
    expect(gate.held()).toBe(2);
    gate.release();
    await Promise.all(stuck);
  });

  it("keeps the last known flags when KV fails, so the createDisabled kill switch stays on", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const key = freshKey();
    await env.KV.put(key, '{"createDisabled":true,"edgeCacheDisabled":true}');
    const { binding: kv, faults } = withFaults(env.KV);
    const cache = new FlagCache();
    const now = Date.now();
    expect(await cache.get(kv, key, TTL_MS, now)).toMatchObject({ createDisabled: true, edgeCacheDisabled: true });
    faults.fail("get", () => new Error("kv down"));
    expect(await cache.get(kv, key, TTL_MS, now + TTL_MS)).toMatchObject({ createDisabled: true, edgeCacheDisabled: true });
    expect(await cache.get(kv, key, TTL_MS, now + 5 * TTL_MS)).toMatchObject({ createDisabled: true });
    expect(JSON.parse(String(warn.mock.calls[0]?.[0]))).toEqual({ event: "flags.unavailable", error: "Error", using: "last_known" });
    // Once KV answers again, its value applies.
    faults.clear();
    await env.KV.put(key, "{}");
    expect((await cache.get(kv, key, TTL_MS, now + 6 * TTL_MS)).createDisabled).toBe(false);
    warn.mockRestore();
  });

  it("an isolate that starts while KV fails takes the flags another isolate of the location last read (Cache API)", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const key = freshKey();
    await env.KV.put(key, '{"createDisabled":true}');
    expect((await new FlagCache().get(env.KV, key, TTL_MS)).createDisabled).toBe(true);
    const { binding: kv, faults } = withFaults(env.KV);
    faults.fail("get", () => new Error("kv down"));
    expect((await new FlagCache().get(kv, key, TTL_MS)).createDisabled).toBe(true);
    expect(JSON.parse(String(warn.mock.calls[0]?.[0]))).toEqual({ event: "flags.unavailable", error: "Error", using: "location_last_known" });
    warn.mockRestore();
  });

  it("serves the defaults, and says so, when KV fails and nothing was ever read for the key", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { binding: kv, faults } = withFaults(env.KV);
    faults.fail("get", () => new Error("kv down"));
    expect(await new FlagCache().get(kv, freshKey(), TTL_MS)).toEqual(DEFAULT_FLAGS);
    expect(JSON.parse(String(warn.mock.calls[0]?.[0]))).toMatchObject({ event: "flags.unavailable", using: "defaults" });
    warn.mockRestore();
  });
});

describe("flags change the Worker's behaviour", () => {
  const create = (vars: Env) =>
    createApp().request(
      `${ORIGIN}/api/secrets`,
      { method: "POST", body: JSON.stringify({ ciphertext: "x" }), headers: { "Content-Type": "application/json", "CF-Connecting-IP": "198.51.100.7" } },
      vars,
      createExecutionContext(),
    );

  it("createDisabled answers POST /api/secrets with 503 service_unavailable (JSON); other routes keep working", async () => {
    const off = await envWithFlags({ createDisabled: true });
    const refused = await create(off);
    await expectError(refused, 503, "service_unavailable");
    expect(await env.DB.prepare("SELECT count(*) AS n FROM secrets WHERE ciphertext = 'x' AND created_at > ?").bind(Date.now() - 1000).first("n")).toBe(0);
    const s = await createSecret();
    expect((await createApp().request(`${ORIGIN}/api/secrets/${s.id}`, {}, off, createExecutionContext())).status).toBe(200);
    expect((await create(await envWithFlags({ createDisabled: false }))).status).toBe(201);
  });

  /** One metadata GET with these flags, its background work (the cache fill runs in waitUntil) finished. */
  async function getWith(flags: Record<string, unknown>, id: string): Promise<Response> {
    const ctx = createExecutionContext();
    const res = await createApp().request(`${ORIGIN}/api/secrets/${id}`, {}, await envWithFlags(flags), ctx);
    await waitOnExecutionContext(ctx);
    return res;
  }

  it("cachingDisabled keeps metadata out of the edge cache (with the flags off the same GET fills it)", async () => {
    const off = await createSecret({ maxViews: null });
    expect((await getWith({ cachingDisabled: true }, off.id)).status).toBe(200);
    expect(await caches.default.match(edgeCacheKey(off.id))).toBeUndefined();
    const on = await createSecret({ maxViews: null });
    expect((await getWith({}, on.id)).status).toBe(200);
    expect((await caches.default.match(edgeCacheKey(on.id)))?.status).toBe(200);
  });
});
