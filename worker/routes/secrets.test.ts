import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { EDGE_CACHE, MAX_VIEWS, SECRET_TTL } from "../../catalog/index.ts";
import { call, createSecret, expectError, ORIGIN, postJson, reveal, setExpiresAt } from "../test/client.ts";
import { observedApp } from "../test/observed-app.ts";

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe("POST /api/secrets", () => {
  it("creates a secret with the catalog defaults and answers 201 with Location", async () => {
    const before = Date.now();
    const res = await postJson("/api/secrets", { ciphertext: "c2VjcmV0" });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["deleteToken", "expiresAt", "id", "maxViews"]);
    expect(body.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(body.deleteToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.maxViews).toBe(MAX_VIEWS.default.value);
    expect(body.expiresAt).toMatch(ISO);
    const expiresAt = Date.parse(body.expiresAt as string);
    expect(expiresAt).toBeGreaterThanOrEqual(before + SECRET_TTL.default.value * 1000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + SECRET_TTL.default.value * 1000);
    expect(res.headers.get("Location")).toBe(`/api/secrets/${body.id}`);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(res.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("stores only a hash of the delete token, and the ciphertext as sent", async () => {
    const s = await createSecret({ ciphertext: "opaque" });
    const row = await env.DB.prepare("SELECT ciphertext, delete_token_hash AS h FROM secrets WHERE id = ?").bind(s.id).first<{ ciphertext: string; h: string }>();
    expect(row?.ciphertext).toBe("opaque");
    expect(row?.h).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.h).not.toContain(s.deleteToken);
  });

  it("accepts the bounds of ttlSeconds and maxViews, and null for unlimited views", async () => {
    for (const [ttlSeconds, maxViews] of [
      [SECRET_TTL.min.value, MAX_VIEWS.min.value],
      [SECRET_TTL.max.value, MAX_VIEWS.max.value],
      [3600, null],
    ] as const) {
      const before = Date.now();
      const s = await createSecret({ ttlSeconds, maxViews });
      expect(s.maxViews).toBe(maxViews);
      expect(Date.parse(s.expiresAt) - before).toBeGreaterThanOrEqual(ttlSeconds * 1000);
      expect(Date.parse(s.expiresAt) - before).toBeLessThan(ttlSeconds * 1000 + 5000);
    }
  });

  it("gives every secret a distinct id and token", async () => {
    const made = await Promise.all(Array.from({ length: 20 }, () => createSecret()));
    expect(new Set(made.map((s) => s.id)).size).toBe(20);
    expect(new Set(made.map((s) => s.deleteToken)).size).toBe(20);
  });
});

describe("GET /api/secrets/:id", () => {
  it("returns public metadata, never content, with edge-cache headers from the catalog", async () => {
    const s = await createSecret({ maxViews: 3 });
    await reveal(s.id);
    const res = await call(`/api/secrets/${s.id}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ id: s.id, createdAt: expect.stringMatching(ISO), expiresAt: s.expiresAt, maxViews: 3, views: 1, remainingViews: 2 });
    expect(JSON.stringify(body)).not.toContain(s.ciphertext);
    expect(res.headers.get("Cache-Control")).toBe(`public, max-age=${EDGE_CACHE.maxAge.value}, stale-while-revalidate=${EDGE_CACHE.staleWhileRevalidate.value}`);
    expect(res.headers.get("X-Request-Id")).toBeTruthy();
  });

  it("reports remainingViews null for unlimited secrets", async () => {
    const s = await createSecret({ maxViews: null });
    expect(await (await call(`/api/secrets/${s.id}`)).json()).toMatchObject({ maxViews: null, views: 0, remainingViews: null });
  });

  it("never lets a cache keep metadata past the secret's expiry", async () => {
    const s = await createSecret();
    await setExpiresAt(s.id, Date.now() + 5_000);
    const res = await call(`/api/secrets/${s.id}`);
    expect(res.status).toBe(200);
    const maxAge = Number(/max-age=(\d+)/.exec(res.headers.get("Cache-Control") ?? "")?.[1]);
    expect(maxAge).toBeGreaterThanOrEqual(0);
    expect(maxAge).toBeLessThanOrEqual(5);
  });

  it("answers HEAD like GET without a body", async () => {
    const s = await createSecret();
    const res = await call(`/api/secrets/${s.id}`, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
  });

  it("is 404 for unknown, malformed, expired and burned secrets", async () => {
    const expired = await createSecret();
    await setExpiresAt(expired.id, Date.now() - 1);
    const burned = await createSecret();
    expect((await reveal(burned.id)).status).toBe(200);
    for (const id of ["AAAAAAAAAAAAAAAAAAAAAA", "short", expired.id, burned.id]) {
      const err = await expectError(await call(`/api/secrets/${id}`), 404, "not_found");
      expect(err.message).not.toContain(id);
    }
  });
});

describe("POST /api/secrets/:id/reveal", () => {
  it("returns the ciphertext once for a one-time secret, then 404, with no-store", async () => {
    const s = await createSecret();
    const res = await reveal(s.id);
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(await res.json()).toEqual({ ciphertext: s.ciphertext, views: 1, remainingViews: 0 });
    await expectError(await reveal(s.id), 404, "not_found");
    await expectError(await call(`/api/secrets/${s.id}`), 404, "not_found");
    const row = await env.DB.prepare("SELECT ciphertext, burned_at FROM secrets WHERE id = ?").bind(s.id).first<{ ciphertext: string | null; burned_at: number | null }>();
    expect(row?.ciphertext).toBeNull();
    expect(row?.burned_at).toBeGreaterThan(0);
  });

  it("counts views of unlimited secrets without burning them", async () => {
    const s = await createSecret({ maxViews: null });
    for (let views = 1; views <= 3; views++) expect(await (await reveal(s.id)).json()).toEqual({ ciphertext: s.ciphertext, views, remainingViews: null });
  });

  it("is 404 for an unknown or expired secret", async () => {
    const s = await createSecret({ maxViews: 2 });
    await setExpiresAt(s.id, Date.now() - 1);
    await expectError(await reveal(s.id), 404, "not_found");
    await expectError(await reveal("AAAAAAAAAAAAAAAAAAAAAA"), 404, "not_found");
  });

  for (const maxViews of [1, 5]) {
    it(`hands the ciphertext to exactly ${maxViews} of 50 concurrent reveals (maxViews=${maxViews}); the rest get 404`, async () => {
      const s = await createSecret({ maxViews });
      const responses = await Promise.all(Array.from({ length: 50 }, () => reveal(s.id)));
      const ok = responses.filter((r) => r.status === 200);
      expect(ok).toHaveLength(maxViews);
      expect(responses.filter((r) => r.status === 404)).toHaveLength(50 - maxViews);
      const bodies = (await Promise.all(ok.map((r) => r.json()))) as { ciphertext: string; views: number; remainingViews: number }[];
      expect(bodies.every((b) => b.ciphertext === s.ciphertext)).toBe(true);
      expect(bodies.map((b) => b.views).sort((a, b) => a - b)).toEqual(Array.from({ length: maxViews }, (_, i) => i + 1));
      for (const r of responses.filter((r) => r.status === 404)) await expectError(r, 404, "not_found");
      // 50 fresh client IPs = 50 new rate-limiter objects: seconds on a loaded 2-core machine.
    }, 30_000);
  }
});

describe("DELETE /api/secrets/:id", () => {
  it("burns the secret with the right token: 204, then it is gone", async () => {
    const s = await createSecret({ maxViews: null });
    const res = await call(`/api/secrets/${s.id}`, { method: "DELETE", headers: { "X-Delete-Token": s.deleteToken } });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    await expectError(await call(`/api/secrets/${s.id}`), 404, "not_found");
    await expectError(await reveal(s.id), 404, "not_found");
    await expectError(await call(`/api/secrets/${s.id}`, { method: "DELETE", headers: { "X-Delete-Token": s.deleteToken } }), 404, "not_found");
  });

  it("is 403 with a wrong token and leaves the secret alone", async () => {
    const s = await createSecret();
    const other = await createSecret();
    for (const token of [other.deleteToken, "x", s.deleteToken.slice(0, -1), `${s.deleteToken}x`]) {
      await expectError(await call(`/api/secrets/${s.id}`, { method: "DELETE", headers: { "X-Delete-Token": token } }), 403, "forbidden");
    }
    expect((await call(`/api/secrets/${s.id}`)).status).toBe(200);
  });

  it("checks the token and burns in one D1 round trip (a delete from far away crosses to the primary once)", async () => {
    const s = await createSecret({ maxViews: null });
    const { app, queries } = observedApp();
    const res = await app.request(`${ORIGIN}/api/secrets/${s.id}`, { method: "DELETE", headers: { "X-Delete-Token": s.deleteToken } }, env, createExecutionContext());
    expect(res.status).toBe(204);
    expect(queries.map((q) => [q.operation, q.statements])).toEqual([["write", 2]]);
  });

  it("is 400 without the X-Delete-Token header and 404 for unknown secrets", async () => {
    const s = await createSecret();
    await expectError(await call(`/api/secrets/${s.id}`, { method: "DELETE" }), 400, "invalid_request");
    await expectError(await call("/api/secrets/AAAAAAAAAAAAAAAAAAAAAA", { method: "DELETE", headers: { "X-Delete-Token": s.deleteToken } }), 404, "not_found");
  });
});
