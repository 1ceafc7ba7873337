import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import committed from "../../docs/openapi.json";
import { CIPHERTEXT_MAX_BYTES } from "../../catalog/index.ts";
import { createApp } from "../app.ts";
import { ERROR_STATUS } from "../http/errors.ts";
import { call, createSecret, freshIp, ORIGIN, postJson } from "../test/client.ts";
import { withFaults } from "../test/faults.ts";
import { validate } from "../test/json-schema.ts";
import { envWithFlags } from "../test/observed-app.ts";
import { buildOpenApiDocument } from "./document.ts";

const doc = buildOpenApiDocument();
const UNKNOWN_ID = "A".repeat(22);

/** A request through the app with its own environment (flags, limits of 1 per minute, a failing binding). */
async function withEnv(vars: Env, path: string, init: RequestInit = {}, ip = freshIp()): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await createApp().request(`${ORIGIN}${path}`, { ...init, headers: { "CF-Connecting-IP": ip, ...(init.headers as Record<string, string>) } }, vars, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** The second of two requests from one network under a limit of 1 per minute. */
async function limited(limitVar: string, path: string, init: RequestInit = {}, second: string = path): Promise<Response> {
  const vars = await envWithFlags({}, { [limitVar]: "1" });
  const ip = freshIp();
  await withEnv(vars, path, init, ip);
  return withEnv(vars, second, init, ip);
}

const json = (body: unknown): RequestInit => ({ method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });

/** One real request for every status the document lists, keyed `METHOD path status`. */
const CASES: Record<string, () => Promise<Response>> = {
  "post /api/secrets 201": () => postJson("/api/secrets", { ciphertext: "x", ttlSeconds: 60, maxViews: 2 }),
  "post /api/secrets 400": () => postJson("/api/secrets", { ciphertext: "x", maxview: 3 }),
  "post /api/secrets 413": () => postJson("/api/secrets", { ciphertext: "x".repeat(CIPHERTEXT_MAX_BYTES.value + 1) }),
  "post /api/secrets 415": () => call("/api/secrets", { method: "POST", body: "x", headers: { "Content-Type": "text/plain" } }),
  "post /api/secrets 429": () => limited("RATE_LIMIT_CREATE_PER_MINUTE", "/api/secrets", json({ ciphertext: "x" })),
  "post /api/secrets 503": async () => withEnv(await envWithFlags({ createDisabled: true }), "/api/secrets", json({ ciphertext: "x" })),
  "get /api/secrets/{id} 200": async () => call(`/api/secrets/${(await createSecret({ maxViews: null })).id}`),
  "get /api/secrets/{id} 404": () => call(`/api/secrets/${UNKNOWN_ID}`),
  "get /api/secrets/{id} 429": async () => {
    const [a, b] = [await createSecret(), await createSecret()];
    return limited("RATE_LIMIT_READ_PER_MINUTE", `/api/secrets/${a.id}`, {}, `/api/secrets/${b.id}`);
  },
  "head /api/secrets/{id} 200": async () => call(`/api/secrets/${(await createSecret()).id}`, { method: "HEAD" }),
  "head /api/secrets/{id} 404": () => call(`/api/secrets/${UNKNOWN_ID}`, { method: "HEAD" }),
  "delete /api/secrets/{id} 204": async () => {
    const s = await createSecret();
    return call(`/api/secrets/${s.id}`, { method: "DELETE", headers: { "X-Delete-Token": s.deleteToken } });
  },
  "delete /api/secrets/{id} 400": async () => call(`/api/secrets/${(await createSecret()).id}`, { method: "DELETE" }),
  "delete /api/secrets/{id} 403": async () => call(`/api/secrets/${(await createSecret()).id}`, { method: "DELETE", headers: { "X-Delete-Token": "wrong" } }),
  "delete /api/secrets/{id} 404": () => call(`/api/secrets/${UNKNOWN_ID}`, { method: "DELETE", headers: { "X-Delete-Token": "t" } }),
  "delete /api/secrets/{id} 429": () => limited("RATE_LIMIT_DELETE_PER_MINUTE", `/api/secrets/${UNKNOWN_ID}`, { method: "DELETE", headers: { "X-Delete-Token": "t" } }),
  "post /api/secrets/{id}/reveal 200": async () => call(`/api/secrets/${(await createSecret()).id}/reveal`, { method: "POST" }),
  "post /api/secrets/{id}/reveal 404": () => call(`/api/secrets/${UNKNOWN_ID}/reveal`, { method: "POST" }),
  "post /api/secrets/{id}/reveal 429": () => limited("RATE_LIMIT_REVEAL_PER_MINUTE", `/api/secrets/${UNKNOWN_ID}/reveal`, { method: "POST" }),
  "get /healthz 200": () => call("/healthz"),
  "get /healthz 429": () => limited("RATE_LIMIT_HEALTH_PER_MINUTE", "/healthz"),
  "get /healthz 503": async () => {
    const { binding, faults } = withFaults(env.DB);
    faults.fail("prepare", () => new Error("D1 down"));
    return withEnv({ ...(await envWithFlags({})), DB: binding }, "/healthz");
  },
  "get /openapi.json 200": () => call("/openapi.json"),
};

type Operation = { responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }>; headers?: Record<string, unknown> }> };
const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.entries(item).filter(([method]) => method !== "parameters").flatMap(([method, op]) => Object.keys((op as Operation).responses).map((status) => ({ key: `${method} ${path} ${status}`, path, method, status, response: (op as Operation).responses[status]! }))),
);

describe("docs/openapi.json, the API's contract", () => {
  it("is committed as generated (npm run docs:openapi) and served at /openapi.json", async () => {
    expect(committed, "docs/openapi.json is stale: run npm run docs:openapi").toEqual(JSON.parse(JSON.stringify(doc)));
    const res = await call("/openapi.json");
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual(committed);
  });

  it("has a real request for every documented status, and documents every status those requests give", () => {
    expect(Object.keys(CASES).sort()).toEqual(documented.map((d) => d.key).sort());
    // The create body is the schema the route validates with: its bounds are the catalog's.
    expect(doc.components.schemas.CreateRequest.properties.ttlSeconds).toMatchObject({ minimum: 60, maximum: 2_592_000 });
  });

  it.each(documented.map((d) => [d.key, d] as const))("%s: the real answer has the documented status, headers and body shape", async (key, d) => {
    const res = await CASES[key]!();
    expect(res.status).toBe(Number(d.status));
    for (const header of Object.keys(d.response.headers ?? {})) expect(res.headers.get(header), `header ${header}`).not.toBeNull();
    const content = d.response.content?.["application/json"];
    const text = await res.text();
    if (!content) {
      expect(text).toBe("");
      return;
    }
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const body = JSON.parse(text) as unknown;
    expect(validate(body, content.schema, doc as unknown as Record<string, unknown>)).toEqual([]);
    const code = (body as { error?: { code: keyof typeof ERROR_STATUS } }).error?.code;
    if (code) expect(ERROR_STATUS[code]).toBe(Number(d.status));
  });

  it("the schema check itself fails on wrong shapes", () => {
    const root = doc as unknown as Record<string, unknown>;
    const created = { $ref: "#/components/schemas/Created" };
    expect(validate({ id: "short", expiresAt: "soon", maxViews: "1", extra: 1 }, created, root)).toEqual([
      "$: missing deleteToken", '$.id: "short" does not match ^[A-Za-z0-9_-]{22}$', '$.expiresAt: "soon" is not a date-time', "$.maxViews: string, expected integer|null", "$: unexpected property extra",
    ]);
    expect(validate({ error: { code: "nope", message: "m" } }, { $ref: "#/components/schemas/Error" }, root)).toEqual([expect.stringMatching(/^\$\.error\.code: "nope" not in/)]);
  });
});
