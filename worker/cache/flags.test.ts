import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { FLAG_CACHE_TTL } from "../../catalog/index.ts";
import { createApp } from "../app.ts";
import { createSecret, expectError, ORIGIN } from "../test/client.ts";
import { envWithFlags } from "../test/observed-app.ts";
import { DEFAULT_FLAGS, FlagCache, parseFlags } from "./flags.ts";

const TTL_MS = FLAG_CACHE_TTL.value * 1000;

describe("parseFlags", () => {
  it("defaults everything on (caching) and off (createDisabled) when the key is absent", () => {
    expect(parseFlags(null)).toEqual(DEFAULT_FLAGS);
    expect(DEFAULT_FLAGS).toEqual({ createDisabled: false, edgeCacheDisabled: false, queryCacheDisabled: false, writeBehindDisabled: false });
  });

  it("reads each flag, and cachingDisabled switches all three caching layers off", () => {
    expect(parseFlags('{"createDisabled":true,"queryCacheDisabled":true}')).toEqual({ ...DEFAULT_FLAGS, createDisabled: true, queryCacheDisabled: true });
    expect(parseFlags('{"cachingDisabled":true}')).toEqual({ createDisabled: false, edgeCacheDisabled: true, queryCacheDisabled: true, writeBehindDisabled: true });
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

describe("FlagCache (KV, cached in the isolate)", () => {
  it(`re-reads KV at most once per ${FLAG_CACHE_TTL.value} s`, async () => {
    const key = `flags-test-${crypto.randomUUID()}`;
    let kvReads = 0;
    const kv = { get: (k: string) => (kvReads++, env.KV.get(k)) } as unknown as KVNamespace;
    const cache = new FlagCache();
    await env.KV.put(key, '{"createDisabled":true}');
    const now = Date.now();
    expect((await cache.get(kv, key, TTL_MS, now)).createDisabled).toBe(true);
    await env.KV.put(key, '{"createDisabled":false}');
    expect((await cache.get(kv, key, TTL_MS, now + TTL_MS - 1)).createDisabled).toBe(true);
    expect(kvReads).toBe(1);
    expect((await cache.get(kv, key, TTL_MS, now + TTL_MS)).createDisabled).toBe(false);
    expect(kvReads).toBe(2);
  });

  it("never makes one request wait on another's KV read: during a refresh the others get the stale flags at once", async () => {
    const pending: Array<(raw: string | null) => void> = [];
    const kv = { get: () => new Promise<string | null>((resolve) => pending.push(resolve)) } as unknown as KVNamespace;
    const cache = new FlagCache();
    const now = Date.now();
    // Cold: each caller reads for itself (workerd would cancel a request awaiting another request's I/O).
    const cold = [cache.get(kv, "f", TTL_MS, now), cache.get(kv, "f", TTL_MS, now)];
    expect(pending).toHaveLength(2);
    pending[0]!('{"createDisabled":true}');
    pending[1]!('{"createDisabled":true}');
    expect((await Promise.all(cold)).every((f) => f.createDisabled)).toBe(true);
    // Expired: the first caller refreshes; a concurrent one answers from the stale entry without waiting.
    const refresh = cache.get(kv, "f", TTL_MS, now + TTL_MS);
    expect(pending).toHaveLength(3);
    expect((await cache.get(kv, "f", TTL_MS, now + TTL_MS + 1)).createDisabled).toBe(true);
    expect(pending).toHaveLength(3);
    pending[2]!('{"createDisabled":false}');
    expect((await refresh).createDisabled).toBe(false);
    expect((await cache.get(kv, "f", TTL_MS, now + TTL_MS + 2)).createDisabled).toBe(false);
    // A refresh that never finishes is retried by another request one TTL later.
    void cache.get(kv, "f", TTL_MS, now + 3 * TTL_MS);
    expect(pending).toHaveLength(4);
    void cache.get(kv, "f", TTL_MS, now + 4 * TTL_MS);
    expect(pending).toHaveLength(5);
  });

  it("serves the defaults when KV fails", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const broken = { get: () => Promise.reject(new Error("kv down")) } as unknown as KVNamespace;
    expect(await new FlagCache().get(broken, "flags", TTL_MS)).toEqual(DEFAULT_FLAGS);
    expect(String(warn.mock.calls[0]?.[0])).toContain("flags.unavailable");
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

  it("cachingDisabled keeps metadata out of the edge cache", async () => {
    const s = await createSecret();
    const res = await createApp().request(`${ORIGIN}/api/secrets/${s.id}`, {}, await envWithFlags({ cachingDisabled: true }), createExecutionContext());
    expect(res.status).toBe(200);
    expect(await caches.default.match(`${ORIGIN}/api/secrets/${s.id}`)).toBeUndefined();
  });
});
