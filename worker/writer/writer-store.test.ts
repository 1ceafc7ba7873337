import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../app.ts";
import { D1SecretStore } from "../store/d1-store.ts";
import { storeContract } from "../store/store-contract.ts";
import { createSecret, expectError, ORIGIN } from "../test/client.ts";
import { observedApp } from "../test/observed-app.ts";
import { WRITER_ORIGIN } from "../store/writer-protocol.ts";
import { WriterStore } from "../store/writer-store.ts";

// The whole store contract with every write crossing the service binding to the real write Worker (an auxiliary
// worker of the pool, bundled as deployed) and every read on the edge's own D1 binding: same database, same answers.
storeContract("D1 through the write Worker (WRITER binding)", {
  open: async (observer) => new WriterStore(new D1SecretStore(env.DB, observer), env.WRITER, observer),
});

afterEach(() => vi.restoreAllMocks());

async function request(path: string, init: RequestInit, overrides: Partial<Env> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await createApp().request(`${ORIGIN}${path}`, init, { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

describe("the API Worker under the split", () => {
  it("sends its writes to the write Worker: with the writer failing, a create is the API's usual 500, logged without request data", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const seen: string[] = [];
    const failing = {
      fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
        const req = new Request(input, init);
        seen.push(`${req.method} ${new URL(req.url).pathname}`);
        return Response.json({ error: "Error", queries: [] }, { status: 500 });
      },
    } as unknown as Fetcher;
    const res = await request("/api/secrets", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ ciphertext: "c2VjcmV0" }) }, { WRITER: failing });
    const err = await expectError(res, 500, "internal");
    expect(err.message).not.toMatch(/writer|Error/);
    expect(seen).toEqual(["POST /create"]);
    expect(JSON.parse(String(log.mock.calls[0]?.[0]))).toMatchObject({ event: "request.error", error: "WriterError", route: "/api/secrets" });
  });

  it("calls the writer as often as the placement model says (cli/placement/latency-model.ts), and reads never", async () => {
    const calls: string[] = [];
    const counting = {
      fetch: (input: RequestInfo | URL, init?: RequestInit) => (calls.push(new URL(String(input)).pathname), env.WRITER.fetch(input as RequestInfo, init)),
    } as unknown as Fetcher;
    const callsOf = async (path: string, init: RequestInit, status: number) => {
      calls.length = 0;
      expect((await request(path, init, { WRITER: counting })).status).toBe(status);
      return [...calls];
    };
    const limited = await createSecret();
    const unlimited = await createSecret({ maxViews: null });
    const deletable = await createSecret();
    expect(await callsOf("/api/secrets", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ ciphertext: "c2VjcmV0" }) }, 201)).toEqual(["/create"]);
    expect(await callsOf(`/api/secrets/${limited.id}`, {}, 200)).toEqual([]);
    expect(await callsOf("/healthz", {}, 200)).toEqual([]);
    expect(await callsOf(`/api/secrets/${limited.id}/reveal`, { method: "POST" }, 200)).toEqual(["/reveal"]);
    expect(await callsOf(`/api/secrets/${unlimited.id}/reveal`, { method: "POST" }, 200)).toEqual(["/reveal", "/peekContent"]);
    expect(await callsOf(`/api/secrets/${unlimited.id}/reveal`, { method: "POST" }, 200)).toEqual(["/peekContent"]);
    expect(await callsOf(`/api/secrets/${deletable.id}`, { method: "DELETE", headers: { "X-Delete-Token": deletable.deleteToken } }, 204)).toEqual(["/burnWithToken"]);
  });

  it("counts the writer's D1 round trips as its own (the D1 metrics and spans come from this observer)", async () => {
    const { app, queries } = observedApp();
    const res = await app.request(`${ORIGIN}/api/secrets`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ ciphertext: "c2VjcmV0" }) }, env, createExecutionContext());
    expect(res.status).toBe(201);
    expect(queries.map((q) => [q.name, q.operation])).toEqual([["secrets.create", "write"]]);
    expect(queries[0]!.clientMs).toBeGreaterThanOrEqual(0);
  });
});

describe("the write Worker", () => {
  it("answers an unknown operation or method 404 and bad arguments 400, naming nothing of the request", async () => {
    const unknown = await env.WRITER.fetch(`${WRITER_ORIGIN}/drop`, { method: "POST", body: "[]" });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: "UnknownOperation", queries: [] });
    expect((await env.WRITER.fetch(`${WRITER_ORIGIN}/create`)).status).toBe(404);
    const bad = await env.WRITER.fetch(`${WRITER_ORIGIN}/create`, { method: "POST", body: "{not json" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: "BadArguments", queries: [] });
  });
});
