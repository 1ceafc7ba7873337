import { createExecutionContext, listDurableObjectIds, runDurableObjectAlarm, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { RATE_LIMITS } from "../../catalog/index.ts";
import { createApp } from "../app.ts";
import { call, createSecret, expectError, freshIp, ORIGIN, postJson, reveal } from "../test/client.ts";
import { overloadedError, withFaults } from "../test/faults.ts";
import { envWithFlags } from "../test/observed-app.ts";
import { clientNetwork } from "./client-network.ts";
import { FLEET_LIMITER_NAME } from "./fleet-budget.ts";
import { limiterName, UNKNOWN_CLIENT } from "./rate-limit.ts";

const WINDOW_MS = RATE_LIMITS.window.value * 1000;

/** Fixed windows start on the minute: begin a counting test early in a window so it cannot straddle two. */
async function startOfFreshWindow(needMs = 15_000): Promise<void> {
  const left = WINDOW_MS - (Date.now() % WINDOW_MS);
  if (left < needMs) await new Promise((r) => setTimeout(r, left + 50));
}

interface SendOptions {
  ip?: string | null;
  vars?: Env | Record<string, unknown>;
  body?: unknown;
  headers?: Record<string, string>;
}

/** One request through the real app with the given vars/bindings; waits for its background work. */
async function send(method: string, path: string, { ip, vars = {}, body, headers = {} }: SendOptions = {}): Promise<Response> {
  const h = new Headers(headers);
  if (ip !== null) h.set("CF-Connecting-IP", ip ?? freshIp());
  if (body !== undefined) h.set("Content-Type", "application/json");
  const ctx = createExecutionContext();
  const res = await createApp().request(
    `${ORIGIN}${path}`,
    { method, headers: h, ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}) },
    { ...env, ...vars } as Env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

const createVia = (opts: SendOptions = {}) => send("POST", "/api/secrets", { body: { ciphertext: "x" }, ...opts });

const RESET = (res: Response) => Number(res.headers.get("RateLimit-Reset"));

afterEach(() => void vi.restoreAllMocks());

describe("per-client-network rate limits (Durable Object, fixed window)", () => {
  it(`allows ${RATE_LIMITS.createsPerMinute.value} creates per minute per network, then 429 with Retry-After and RateLimit-*; other networks are unaffected`, async () => {
    await startOfFreshWindow();
    const ip = freshIp();
    const limit = RATE_LIMITS.createsPerMinute.value;
    for (let i = 1; i <= limit; i++) {
      const res = await postJson("/api/secrets", { ciphertext: "x" }, { ip });
      expect(res.status).toBe(201);
      expect(res.headers.get("RateLimit-Limit")).toBe(String(limit));
      expect(res.headers.get("RateLimit-Remaining")).toBe(String(limit - i));
      expect(Number.isInteger(RESET(res))).toBe(true);
      expect(RESET(res)).toBeGreaterThanOrEqual(1);
      expect(RESET(res)).toBeLessThanOrEqual(RATE_LIMITS.window.value);
    }
    const refused = await postJson("/api/secrets", { ciphertext: "x" }, { ip });
    await expectError(refused, 429, "rate_limited");
    const retryAfter = Number(refused.headers.get("Retry-After"));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(RATE_LIMITS.window.value);
    expect(refused.headers.get("RateLimit-Limit")).toBe(String(limit));
    expect(refused.headers.get("RateLimit-Remaining")).toBe("0");
    expect(RESET(refused)).toBe(retryAfter);
    expect((await postJson("/api/secrets", { ciphertext: "x" }, { ip: freshIp() })).status).toBe(201);
    // Reveals have their own budget.
    const s = await createSecret({}, { ip: freshIp() });
    expect((await reveal(s.id, { ip })).status).toBe(200);
  }, 90_000);

  it("counts every create attempt, including the ones that end in 4xx", async () => {
    await startOfFreshWindow(5_000);
    const ip = freshIp();
    const vars = { RATE_LIMIT_CREATE_PER_MINUTE: "3" };
    await expectError(await send("POST", "/api/secrets", { ip, vars, body: "{not json" }), 400, "invalid_request");
    await expectError(await send("POST", "/api/secrets", { ip, vars, body: { ciphertext: "" } }), 400, "invalid_request");
    const third = await createVia({ ip, vars });
    expect(third.status).toBe(201);
    expect(third.headers.get("RateLimit-Remaining")).toBe("0");
    await expectError(await createVia({ ip, vars }), 429, "rate_limited");
  }, 30_000);

  it("answers createDisabled before any rate-limit or body work", async () => {
    const ip = freshIp();
    const off = await envWithFlags({ createDisabled: true });
    await expectError(await send("POST", "/api/secrets", { ip, vars: off, body: "{not json" }), 503, "service_unavailable");
    const ids = await listDurableObjectIds(env.RATE_LIMITER);
    const limiter = env.RATE_LIMITER.idFromName(await limiterName(clientNetwork(ip, RATE_LIMITS.ipv6PrefixBits.value)));
    expect(ids.some((id) => id.equals(limiter))).toBe(false);
  });

  it(`allows ${RATE_LIMITS.revealsPerMinute.value} reveals per minute per network, counting 404s too`, async () => {
    await startOfFreshWindow();
    const ip = freshIp();
    const s = await createSecret({ maxViews: null });
    const statuses = [];
    for (let i = 0; i < RATE_LIMITS.revealsPerMinute.value; i++) statuses.push((await reveal(i % 2 ? s.id : "AAAAAAAAAAAAAAAAAAAAAA", { ip })).status);
    expect(statuses.filter((st) => st === 429)).toHaveLength(0);
    await expectError(await reveal(s.id, { ip }), 429, "rate_limited");
  }, 90_000);

  it(`keys IPv6 clients by their /${RATE_LIMITS.ipv6PrefixBits.value}: ${RATE_LIMITS.createsPerMinute.value + 1} addresses inside one /64 share one budget`, async () => {
    await startOfFreshWindow();
    const [a, b, c] = Array.from(crypto.getRandomValues(new Uint16Array(3)), (n) => n.toString(16));
    const inPrefix = (i: number) => `2001:db8:${a}:${b}:${c}:${(i + 1).toString(16)}:${(i * 7).toString(16)}:1`;
    const statuses = [];
    for (let i = 0; i <= RATE_LIMITS.createsPerMinute.value; i++) statuses.push((await postJson("/api/secrets", { ciphertext: "x" }, { ip: inPrefix(i) })).status);
    expect(statuses.slice(0, -1).every((st) => st === 201)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    // The neighbouring /64 has its own budget.
    expect((await postJson("/api/secrets", { ciphertext: "x" }, { ip: `2001:db8:${a}:${(parseInt(b!, 16) ^ 1).toString(16)}::1` })).status).toBe(201);
  }, 90_000);

  it("keys IPv4 clients by their address: neighbours in one /24 do not share a budget", async () => {
    await startOfFreshWindow(5_000);
    const vars = { RATE_LIMIT_CREATE_PER_MINUTE: "1" };
    const base = `10.${crypto.getRandomValues(new Uint8Array(1))[0]}.${crypto.getRandomValues(new Uint8Array(1))[0]}`;
    expect((await createVia({ ip: `${base}.1`, vars })).status).toBe(201);
    expect((await createVia({ ip: `${base}.2`, vars })).status).toBe(201);
    await expectError(await createVia({ ip: `${base}.1`, vars }), 429, "rate_limited");
  }, 30_000);

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

  it("names the Durable Object by a hash of the network and never stores the IP", async () => {
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
    const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(await limiterName(clientNetwork(ip, RATE_LIMITS.ipv6PrefixBits.value))));
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
    const ip = freshIp();
    await startOfFreshWindow(5_000);
    const two = { RATE_LIMIT_CREATE_PER_MINUTE: "2" };
    expect((await createVia({ ip, vars: two })).status).toBe(201);
    expect((await createVia({ ip, vars: two })).status).toBe(201);
    await expectError(await createVia({ ip, vars: two }), 429, "rate_limited");
    const unlimited = await createVia({ ip, vars: { RATE_LIMIT_CREATE_PER_MINUTE: "0" } });
    expect(unlimited.status).toBe(201);
    expect(unlimited.headers.get("RateLimit-Limit")).toBeNull();
  }, 30_000);

  it("answers reveals of unknown ids 404, not 429, under the limit", async () => {
    await expectError(await call("/api/secrets/AAAAAAAAAAAAAAAAAAAAAA/reveal", { method: "POST" }), 404, "not_found");
  });
});

/** A well-formed id nobody created. */
const unknownId = () => crypto.randomUUID().replace(/-/g, "").slice(0, 22);

describe("limits on the read paths, per client network", () => {
  it("metadata GETs that miss the edge cache are limited; hits are not", async () => {
    await startOfFreshWindow(10_000);
    const ip = freshIp();
    const vars = { RATE_LIMIT_READ_PER_MINUTE: "2" };
    await expectError(await send("GET", `/api/secrets/${unknownId()}`, { ip, vars }), 404, "not_found");
    const s = await createSecret({ maxViews: null });
    expect((await send("GET", `/api/secrets/${s.id}`, { ip, vars })).status).toBe(200);
    // Both D1 lookups used the budget; the cached metadata still answers, an uncached id does not.
    for (let i = 0; i < 5; i++) expect((await send("GET", `/api/secrets/${s.id}`, { ip, vars })).status).toBe(200);
    const refused = await send("HEAD", `/api/secrets/${unknownId()}`, { ip, vars });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get("RateLimit-Limit")).toBe("2");
    await expectError(await send("GET", `/api/secrets/${unknownId()}`, { ip, vars }), 429, "rate_limited");
  }, 30_000);

  it("DELETE is limited, counting 404s and 400s", async () => {
    await startOfFreshWindow(10_000);
    const ip = freshIp();
    const vars = { RATE_LIMIT_DELETE_PER_MINUTE: "2" };
    await expectError(await send("DELETE", `/api/secrets/${unknownId()}`, { ip, vars }), 400, "invalid_request");
    await expectError(await send("DELETE", `/api/secrets/${unknownId()}`, { ip, vars, headers: { "X-Delete-Token": "t" } }), 404, "not_found");
    const refused = await send("DELETE", `/api/secrets/${unknownId()}`, { ip, vars, headers: { "X-Delete-Token": "t" } });
    await expectError(refused, 429, "rate_limited");
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
  }, 30_000);

  it("/healthz is limited, HEAD included", async () => {
    await startOfFreshWindow(10_000);
    const ip = freshIp();
    const vars = { RATE_LIMIT_HEALTH_PER_MINUTE: "2" };
    expect((await send("GET", "/healthz", { ip, vars })).status).toBe(200);
    const head = await send("HEAD", "/healthz", { ip, vars });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    expect(head.headers.get("RateLimit-Remaining")).toBe("0");
    await expectError(await send("GET", "/healthz", { ip, vars }), 429, "rate_limited");
  }, 30_000);
});

describe("when the limiter itself fails", () => {
  const quiet = () => vi.spyOn(console, "error").mockImplementation(() => {});

  it("refuses with 429 and Retry-After when the network's limiter is overloaded, for every action", async () => {
    const log = quiet();
    const { binding, faults } = withFaults(env.RATE_LIMITER);
    faults.fail("get.hit", overloadedError);
    const ip = freshIp();
    const vars = { RATE_LIMITER: binding };
    const s = await createSecret({ maxViews: null });
    const responses = [
      await createVia({ ip, vars }),
      await send("POST", `/api/secrets/${s.id}/reveal`, { ip, vars }),
      await send("GET", `/api/secrets/${unknownId()}`, { ip, vars }),
      await send("DELETE", `/api/secrets/${s.id}`, { ip, vars, headers: { "X-Delete-Token": s.deleteToken } }),
      await send("GET", "/healthz", { ip, vars }),
    ];
    for (const res of responses) {
      await expectError(res, 429, "rate_limited");
      expect(res.headers.get("Retry-After")).toBe(String(RATE_LIMITS.overloadRetryAfter.value));
    }
    // Nothing went through: the secret is neither revealed nor deleted.
    expect(await (await call(`/api/secrets/${s.id}`)).json()).toMatchObject({ views: 0 });
    const lines = log.mock.calls.map((args) => String(args[0]));
    expect(lines.every((l) => l.includes("rate_limit.unavailable") && l.includes('"overloaded":true') && !l.includes(ip))).toBe(true);
    log.mockRestore();
  });

  it("fails closed for creates (503 + Retry-After) and open for the paths that store nothing, when it is unreachable", async () => {
    const log = quiet();
    const { binding, faults } = withFaults(env.RATE_LIMITER);
    faults.fail("get.hit", () => new Error("Network connection lost."));
    const ip = freshIp();
    const vars = { RATE_LIMITER: binding };
    const refused = await createVia({ ip, vars });
    await expectError(refused, 503, "service_unavailable");
    expect(refused.headers.get("Retry-After")).toBe(String(RATE_LIMITS.overloadRetryAfter.value));
    const s = await createSecret({ maxViews: 2 });
    expect((await send("GET", `/api/secrets/${s.id}`, { ip, vars })).status).toBe(200);
    expect((await send("POST", `/api/secrets/${s.id}/reveal`, { ip, vars })).status).toBe(200);
    expect((await send("GET", "/healthz", { ip, vars })).status).toBe(200);
    expect((await send("DELETE", `/api/secrets/${s.id}`, { ip, vars, headers: { "X-Delete-Token": s.deleteToken } })).status).toBe(204);
    expect(log).toHaveBeenCalledTimes(5);
    for (const [line] of log.mock.calls) {
      expect(String(line)).toContain("rate_limit.unavailable");
      expect(String(line)).not.toContain(ip);
    }
    log.mockRestore();
  });
});

describe("fleet-wide create budget", () => {
  /** The real namespace, with the fleet's object under a name of this test's own, so other tests' creates do not count. */
  function isolatedFleet(): Env["RATE_LIMITER"] {
    const own = `${FLEET_LIMITER_NAME}:test-${crypto.randomUUID()}`;
    const ns = env.RATE_LIMITER;
    return new Proxy(ns, {
      get(target, prop) {
        if (prop === "idFromName") return (name: string) => target.idFromName(name === FLEET_LIMITER_NAME ? own : name);
        const value = Reflect.get(target, prop) as unknown;
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  }

  it("refuses creates from any number of networks with 429 + Retry-After once the window's create count is used up", async () => {
    await startOfFreshWindow(10_000);
    const vars = { RATE_LIMITER: isolatedFleet(), FLEET_CREATES_PER_MINUTE: "3" };
    for (let i = 0; i < 3; i++) expect((await createVia({ vars })).status).toBe(201);
    const refused = await createVia({ vars });
    await expectError(refused, 429, "rate_limited");
    const retryAfter = Number(refused.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(RATE_LIMITS.window.value);
  }, 30_000);

  it("budgets ciphertext bytes: a create that does not fit is refused and uses nothing up", async () => {
    await startOfFreshWindow(10_000);
    const vars = { RATE_LIMITER: isolatedFleet(), FLEET_CREATE_BYTES_PER_MINUTE: "1000" };
    expect((await send("POST", "/api/secrets", { vars, body: { ciphertext: "a".repeat(600) } })).status).toBe(201);
    await expectError(await send("POST", "/api/secrets", { vars, body: { ciphertext: "b".repeat(600) } }), 429, "rate_limited");
    // The refused 600 bytes were not taken: 400 still fit.
    expect((await send("POST", "/api/secrets", { vars, body: { ciphertext: "c".repeat(400) } })).status).toBe(201);
    await expectError(await send("POST", "/api/secrets", { vars, body: { ciphertext: "d" } }), 429, "rate_limited");
  }, 30_000);

  it("fails closed: an unreachable or overloaded budget object refuses creates with 503 + Retry-After", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const { binding, faults } = withFaults(env.RATE_LIMITER);
    faults.fail("get.reserve", overloadedError);
    const refused = await createVia({ vars: { RATE_LIMITER: binding } });
    await expectError(refused, 503, "service_unavailable");
    expect(refused.headers.get("Retry-After")).toBe(String(RATE_LIMITS.overloadRetryAfter.value));
    expect(String(log.mock.calls[0]?.[0])).toContain("fleet_budget.unavailable");
    log.mockRestore();
  });
});
