import { listDurableObjectIds, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { RATE_LIMITS } from "../../catalog/index.ts";
import { createApp } from "../app.ts";
import { call, createSecret, expectError, freshIp, postJson, reveal } from "../test/client.ts";
import { limiterName, UNKNOWN_CLIENT } from "./rate-limit.ts";

const WINDOW_MS = RATE_LIMITS.window.value * 1000;

/** Fixed windows start on the minute: begin a counting test early in a window so it cannot straddle two. */
async function startOfFreshWindow(needMs = 15_000): Promise<void> {
  const left = WINDOW_MS - (Date.now() % WINDOW_MS);
  if (left < needMs) await new Promise((r) => setTimeout(r, left + 50));
}

describe("per-client-IP rate limits (Durable Object, fixed window)", () => {
  it(`allows ${RATE_LIMITS.createsPerMinute.value} creates per minute per IP, then 429 with Retry-After; other IPs are unaffected`, async () => {
    await startOfFreshWindow();
    const ip = freshIp();
    const limit = RATE_LIMITS.createsPerMinute.value;
    for (let i = 1; i <= limit; i++) {
      const res = await postJson("/api/secrets", { ciphertext: "x" }, { ip });
      expect(res.status).toBe(201);
      expect(res.headers.get("RateLimit-Limit")).toBe(String(limit));
      expect(res.headers.get("RateLimit-Remaining")).toBe(String(limit - i));
    }
    const refused = await postJson("/api/secrets", { ciphertext: "x" }, { ip });
    await expectError(refused, 429, "rate_limited");
    const retryAfter = Number(refused.headers.get("Retry-After"));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(RATE_LIMITS.window.value);
    expect(refused.headers.get("RateLimit-Remaining")).toBe("0");
    expect((await postJson("/api/secrets", { ciphertext: "x" }, { ip: freshIp() })).status).toBe(201);
    // Reveals have their own budget.
    const s = await createSecret({}, { ip: freshIp() });
    expect((await reveal(s.id, { ip })).status).toBe(200);
  }, 90_000);

  it(`allows ${RATE_LIMITS.revealsPerMinute.value} reveals per minute per IP, counting 404s too`, async () => {
    await startOfFreshWindow();
    const ip = freshIp();
    const s = await createSecret({ maxViews: null });
    const statuses = [];
    for (let i = 0; i < RATE_LIMITS.revealsPerMinute.value; i++) statuses.push((await reveal(i % 2 ? s.id : "AAAAAAAAAAAAAAAAAAAAAA", { ip })).status);
    expect(statuses.filter((st) => st === 429)).toHaveLength(0);
    await expectError(await reveal(s.id, { ip }), 429, "rate_limited");
  }, 90_000);

  it("puts requests without CF-Connecting-IP into one shared bucket", async () => {
    const a = await postJson("/api/secrets", { ciphertext: "x" }, { ip: null });
    const b = await postJson("/api/secrets", { ciphertext: "x" }, { ip: null });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(Number(b.headers.get("RateLimit-Remaining"))).toBeLessThan(Number(a.headers.get("RateLimit-Remaining")));
    const ids = await listDurableObjectIds(env.RATE_LIMITER);
    expect(ids.some((id) => id.equals(env.RATE_LIMITER.idFromName(UNKNOWN_CLIENT)))).toBe(false);
    const shared = env.RATE_LIMITER.idFromName(await limiterName(UNKNOWN_CLIENT));
    expect(ids.some((id) => id.equals(shared))).toBe(true);
  });

  it("names the Durable Object by a hash of the IP and never stores the IP", async () => {
    const ip = "203.0.113.77";
    expect((await postJson("/api/secrets", { ciphertext: "x" }, { ip })).status).toBe(201);
    const ids = await listDurableObjectIds(env.RATE_LIMITER);
    const hashed = env.RATE_LIMITER.idFromName(await limiterName(ip));
    expect(ids.some((id) => id.equals(hashed))).toBe(true);
    expect(ids.some((id) => id.equals(env.RATE_LIMITER.idFromName(ip)))).toBe(false);
    const dump = await runInDurableObject(env.RATE_LIMITER.get(hashed), async (_, state) =>
      JSON.stringify(state.storage.sql.exec("SELECT * FROM windows").toArray()),
    );
    expect(dump).toContain('"action":"create"');
    expect(dump).not.toContain(ip);
  });

  it("forgets a client's counters when the window's alarm fires", async () => {
    const ip = freshIp();
    expect((await postJson("/api/secrets", { ciphertext: "x" }, { ip })).status).toBe(201);
    const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(await limiterName(ip)));
    // The alarm only deletes windows that have ended; move this one into the past first.
    await runInDurableObject(stub, async (_, state) => {
      state.storage.sql.exec("UPDATE windows SET reset_at = ?", Date.now() - 1);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const rows = await runInDurableObject(stub, async (_, state) => state.storage.sql.exec("SELECT count(*) AS n FROM windows").one().n);
    expect(rows).toBe(0);
    expect(await runInDurableObject(stub, (_, state) => state.storage.getAlarm())).toBeNull();
    // The next request starts a new window and schedules its cleanup again.
    expect((await postJson("/api/secrets", { ciphertext: "x" }, { ip })).status).toBe(201);
    expect(await runInDurableObject(stub, (_, state) => state.storage.getAlarm())).toBeGreaterThan(Date.now());
  });

  it("reads its limits from the vars; 0 switches a limit off", async () => {
    const app = createApp();
    const ip = freshIp();
    const send = (vars: Record<string, string>) =>
      app.request(
        "/api/secrets",
        { method: "POST", body: JSON.stringify({ ciphertext: "x" }), headers: { "Content-Type": "application/json", "CF-Connecting-IP": ip } },
        { ...env, ...vars },
      );
    await startOfFreshWindow(5_000);
    expect((await send({ RATE_LIMIT_CREATE_PER_MINUTE: "2" })).status).toBe(201);
    expect((await send({ RATE_LIMIT_CREATE_PER_MINUTE: "2" })).status).toBe(201);
    await expectError(await send({ RATE_LIMIT_CREATE_PER_MINUTE: "2" }), 429, "rate_limited");
    const unlimited = await send({ RATE_LIMIT_CREATE_PER_MINUTE: "0" });
    expect(unlimited.status).toBe(201);
    expect(unlimited.headers.get("RateLimit-Limit")).toBeNull();
  }, 30_000);

  it("lets the request through when the limiter is unavailable (fails open)", async () => {
    const broken = { idFromName: () => { throw new Error("limiter down"); }, get: () => undefined };
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const ip = freshIp();
    const res = await createApp().request(
      "/api/secrets",
      { method: "POST", body: JSON.stringify({ ciphertext: "x" }), headers: { "Content-Type": "application/json", "CF-Connecting-IP": ip } },
      { ...env, RATE_LIMITER: broken },
    );
    expect(res.status).toBe(201);
    expect(log).toHaveBeenCalledOnce();
    const logged = String(log.mock.calls[0]?.[0]);
    expect(logged).toContain("rate_limit.unavailable");
    expect(logged).not.toContain(ip);
    log.mockRestore();
  });

  it("answers reveals of unknown ids 404, not 429, under the limit", async () => {
    await expectError(await call("/api/secrets/AAAAAAAAAAAAAAAAAAAAAA/reveal", { method: "POST" }), 404, "not_found");
  });
});
