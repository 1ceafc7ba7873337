import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp, ROUTES } from "./app.ts";
import { call, createSecret, expectError } from "./test/client.ts";

/** The real app with some bindings replaced: how a broken binding looks from inside the Worker. */
async function withEnv(path: string, overrides: Record<string, unknown>, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await createApp().request(path, init, { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

afterEach(() => vi.restoreAllMocks());

describe("GET /healthz", () => {
  it("is 200 {status: ok} when D1 answers", async () => {
    const res = await call("/healthz");
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("is 503 service_unavailable when the database does not answer", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const broken = { prepare: () => ({ bind: () => ({ run: () => Promise.reject(new Error("D1_ERROR: Network connection lost.")) }) }) };
    await expectError(await withEnv("/healthz", { DB: broken }), 503, "service_unavailable");
    expect(log).toHaveBeenCalledOnce();
  });
});

describe("routing", () => {
  it.each([
    ["PUT", "/api/secrets", "POST"],
    ["GET", "/api/secrets", "POST"],
    ["DELETE", "/api/secrets", "POST"],
    ["POST", "/api/secrets/AAAAAAAAAAAAAAAAAAAAAA", "GET, HEAD, DELETE"],
    ["PATCH", "/api/secrets/AAAAAAAAAAAAAAAAAAAAAA", "GET, HEAD, DELETE"],
    ["GET", "/api/secrets/AAAAAAAAAAAAAAAAAAAAAA/reveal", "POST"],
    ["OPTIONS", "/api/secrets/AAAAAAAAAAAAAAAAAAAAAA/reveal", "POST"],
    ["POST", "/healthz", "GET, HEAD"],
  ])("%s %s is 405 with Allow: %s", async (method, path, allow) => {
    const res = await call(path, { method });
    await expectError(res, 405, "method_not_allowed");
    expect(res.headers.get("Allow")).toBe(allow);
  });

  it("lists every route's methods once", () => {
    expect(Object.keys(ROUTES)).toHaveLength(4);
  });

  it.each(["/", "/api", "/api/secret", "/api/secrets/AAAAAAAAAAAAAAAAAAAAAA/reveal/x", "/healthz/x"])("unknown path %s is a JSON 404", async (path) => {
    await expectError(await call(path), 404, "not_found");
  });

  it("gives every response its own server-generated request id, never the one a client sent", async () => {
    const a = await call("/healthz");
    const b = await call("/nope");
    expect(a.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.headers.get("X-Request-Id")).not.toBe(b.headers.get("X-Request-Id"));
    for (const sent of ["trace-abc_123", "AAAAAAAAAAAAAAAAAAAAAB", "<script>"]) {
      const res = await call("/healthz", { headers: { "X-Request-Id": sent } });
      expect(res.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe("unexpected failures", () => {
  it("answer 500 internal without leaking internals, and log no request data", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const s = await createSecret();
    const leaky = { prepare: () => ({ bind: () => ({ run: () => Promise.reject(new Error(`D1_ERROR: boom near ${s.id} /work/main`)) }) }) };
    const res = await withEnv(`/api/secrets/${s.id}`, { DB: leaky });
    const err = await expectError(res, 500, "internal");
    expect(err.message).not.toMatch(/D1|boom|work|Error/);
    expect(res.headers.get("X-Request-Id")).toBeTruthy();
    expect(log).toHaveBeenCalledOnce();
    const logged = String(log.mock.calls[0]?.[0]);
    expect(JSON.parse(logged)).toMatchObject({ event: "request.error", route: "/api/secrets/:id", method: "GET" });
    expect(logged).not.toContain(s.id);
    expect(logged).not.toContain("boom");
  });
});
