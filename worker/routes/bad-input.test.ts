import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CIPHERTEXT_MAX_BYTES, MAX_VIEWS, REQUEST_BODY_OVERHEAD_BYTES, SECRET_TTL } from "../../catalog/index.ts";
import { createApp } from "../app.ts";
import { call, createSecret, expectError, freshIp, postJson, reveal } from "../test/client.ts";

const post = (body: BodyInit | null, contentType: string | null = "application/json", headers: Record<string, string> = {}) =>
  call("/api/secrets", { method: "POST", body, headers: { ...(contentType ? { "Content-Type": contentType } : {}), ...headers } });

describe("POST /api/secrets rejects bad input with the right 4xx", () => {
  it.each([
    ["text/plain", "text/plain"],
    ["form", "application/x-www-form-urlencoded"],
    ["multipart", "multipart/form-data; boundary=x"],
    ["json-ish", "application/jsonp"],
    ["no content type", null],
  ])("415 for %s", async (_, type) => {
    await expectError(await post(JSON.stringify({ ciphertext: "x" }), type), 415, "unsupported_media_type");
  });

  it("accepts application/json with a charset, in any case", async () => {
    expect((await post(JSON.stringify({ ciphertext: "x" }), "Application/JSON; charset=utf-8")).status).toBe(201);
  });

  it.each(["", "{", "{\"ciphertext\": }", "ciphertext=x", "{'ciphertext': 'x'}", "\u0000", "[1,2"])("400 for malformed JSON %j", async (body) => {
    const err = await expectError(await post(body), 400, "invalid_request");
    if (body.length > 2) expect(err.message).not.toContain(body);
  });

  it.each([
    ["an array", [{ ciphertext: "x" }]],
    ["a string", "x"],
    ["null", null],
    ["a number", 42],
    ["no ciphertext", { ttlSeconds: 60 }],
    ["empty ciphertext", { ciphertext: "" }],
    ["numeric ciphertext", { ciphertext: 123 }],
    ["object ciphertext", { ciphertext: { a: 1 } }],
    ["unpaired surrogate", { ciphertext: "ab\ud800cd" }],
    ["string ttl", { ciphertext: "x", ttlSeconds: "60" }],
    ["fractional ttl", { ciphertext: "x", ttlSeconds: 60.5 }],
    ["ttl below min", { ciphertext: "x", ttlSeconds: SECRET_TTL.min.value - 1 }],
    ["ttl above max", { ciphertext: "x", ttlSeconds: SECRET_TTL.max.value + 1 }],
    ["null ttl", { ciphertext: "x", ttlSeconds: null }],
    ["huge ttl", { ciphertext: "x", ttlSeconds: 1e308 }],
    ["zero maxViews", { ciphertext: "x", maxViews: 0 }],
    ["negative maxViews", { ciphertext: "x", maxViews: -1 }],
    ["maxViews above max", { ciphertext: "x", maxViews: MAX_VIEWS.max.value + 1 }],
    ["boolean maxViews", { ciphertext: "x", maxViews: true }],
    ["string maxViews", { ciphertext: "x", maxViews: "1" }],
    ["unknown field", { ciphertext: "x", plaintext: "oops" }],
    ["prototype key", JSON.parse('{"ciphertext":"x","__proto__":{"admin":true}}')],
  ])("400 for %s", async (_, body) => {
    await expectError(await postJson("/api/secrets", body), 400, "invalid_request");
  });

  it("413 for a body over the limit, by Content-Length, before parsing", async () => {
    const body = JSON.stringify({ ciphertext: "x".repeat(CIPHERTEXT_MAX_BYTES.value + REQUEST_BODY_OVERHEAD_BYTES.value) });
    await expectError(await post(body), 413, "payload_too_large");
  });

  it("413 for a streamed body without Content-Length once it passes the limit", async () => {
    const chunk = new TextEncoder().encode("x".repeat(16 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Bounded: stops well past the limit even if the server kept reading.
        if (sent++ > 20) return controller.close();
        controller.enqueue(chunk);
      },
    });
    const res = await call("/api/secrets", { method: "POST", body: stream, headers: { "Content-Type": "application/json" }, duplex: "half" } as RequestInit);
    await expectError(res, 413, "payload_too_large");
  });

  it("413 for a ciphertext over MAX_CIPHERTEXT_BYTES in UTF-8 bytes, 201 at exactly the limit", async () => {
    const max = CIPHERTEXT_MAX_BYTES.value;
    expect((await postJson("/api/secrets", { ciphertext: "x".repeat(max) })).status).toBe(201);
    await expectError(await postJson("/api/secrets", { ciphertext: "x".repeat(max + 1) }), 413, "payload_too_large");
    // 4 bytes per emoji: fewer characters than the limit, more bytes.
    await expectError(await postJson("/api/secrets", { ciphertext: "😀".repeat(max / 4 + 1) }), 413, "payload_too_large");
  });

  it("honours MAX_CIPHERTEXT_BYTES from the environment", async () => {
    const res = await createApp().request(
      "/api/secrets",
      { method: "POST", body: JSON.stringify({ ciphertext: "x".repeat(11) }), headers: { "Content-Type": "application/json", "CF-Connecting-IP": freshIp() } },
      { ...env, MAX_CIPHERTEXT_BYTES: "10" },
    );
    await expectError(res, 413, "payload_too_large");
  });
});

describe("unicode and hostile ids", () => {
  it("round-trips any valid Unicode ciphertext byte for byte", async () => {
    const ciphertext = "Ωμέγα 🔐 秘密 שלום \u0000 \u200b e\u0301 \uffff 𝔘𝔫𝔦𝔠𝔬𝔡𝔢";
    const s = await createSecret({ ciphertext });
    expect(await (await reveal(s.id)).json()).toMatchObject({ ciphertext });
  });

  const hostile = [
    "' OR '1'='1",
    "1; DROP TABLE secrets; --",
    "AAAAAAAAAAAAAAAAAAAA'--",
    "%27%20OR%201%3D1--",
    "%00",
    "%E0%A4%A",
    "%",
    "%F0%9F%94%90%F0%9F%94%90%F0%9F%94%90",
    "%C3%A9".repeat(11),
    "..%2F..%2Fetc%2Fpasswd",
    "A".repeat(10_000),
    "AAAAAAAAAAAAAAAAAAAAAAA",
    "AAAAAAAAAAAAAAAAAAAA%2B%2F",
  ];
  it.each(hostile.map((id) => [id.length > 40 ? `${id.slice(0, 20)}... (${id.length} chars)` : id, id]))("id %s is 404 on every route", async (_, id) => {
    const path = `/api/secrets/${id}`;
    await expectError(await call(path), 404, "not_found");
    await expectError(await reveal(id), 404, "not_found");
    await expectError(await call(path, { method: "DELETE", headers: { "X-Delete-Token": "x" } }), 404, "not_found");
  });

  it("still has its table after all that", async () => {
    const s = await createSecret();
    expect((await call(`/api/secrets/${s.id}`)).status).toBe(200);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'secrets'").first("n")).toBe(1);
  });
});

/** Unpaired surrogates do not survive a UTF-8 round trip. */
const survivesUtf8 = (s: string) => new TextDecoder().decode(new TextEncoder().encode(s)) === s;

/** What the API must answer for a parsed JSON body: an oracle written from the spec, independent of the validator. */
function expectedStatus(body: unknown): 201 | 400 | 413 {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return 400;
  const b = body as Record<string, unknown>;
  if (Object.keys(b).some((k) => !["ciphertext", "ttlSeconds", "maxViews"].includes(k))) return 400;
  if (typeof b.ciphertext !== "string" || b.ciphertext === "" || !survivesUtf8(b.ciphertext)) return 400;
  const ttlOk = b.ttlSeconds === undefined || (Number.isInteger(b.ttlSeconds) && (b.ttlSeconds as number) >= SECRET_TTL.min.value && (b.ttlSeconds as number) <= SECRET_TTL.max.value);
  const viewsOk = b.maxViews === undefined || b.maxViews === null || (Number.isInteger(b.maxViews) && (b.maxViews as number) >= MAX_VIEWS.min.value && (b.maxViews as number) <= MAX_VIEWS.max.value);
  if (new TextEncoder().encode(b.ciphertext).byteLength > CIPHERTEXT_MAX_BYTES.value) return 413;
  return ttlOk && viewsOk ? 201 : 400;
}

describe("property: any body gets the right status class, never 5xx", () => {
  // Rate limiting is switched off (var = 0) for this one app instance so 1,000 creates measure validation, not the limiter.
  const app = createApp();
  const send = (body: string) =>
    app.request("/api/secrets", { method: "POST", body, headers: { "Content-Type": "application/json" } }, { ...env, RATE_LIMIT_CREATE_PER_MINUTE: "0" });

  const nearValid = fc.record(
    {
      ciphertext: fc.oneof(fc.string({ unit: "binary" }), fc.string(), fc.integer(), fc.constant(""), fc.constant(null)),
      ttlSeconds: fc.oneof(fc.integer({ min: SECRET_TTL.min.value - 10, max: SECRET_TTL.max.value + 10 }), fc.double(), fc.string(), fc.constant(null)),
      maxViews: fc.oneof(fc.integer({ min: -5, max: MAX_VIEWS.max.value + 5 }), fc.constant(null), fc.double(), fc.boolean()),
      extra: fc.jsonValue(),
    },
    { requiredKeys: [] },
  );
  const valid = fc.record(
    {
      ciphertext: fc.string({ unit: "grapheme", minLength: 1 }),
      ttlSeconds: fc.integer({ min: SECRET_TTL.min.value, max: SECRET_TTL.max.value }),
      maxViews: fc.option(fc.integer({ min: MAX_VIEWS.min.value, max: MAX_VIEWS.max.value })),
    },
    { requiredKeys: ["ciphertext"] },
  );
  const bodies = fc.oneof(
    valid.map((b) => JSON.stringify(b)),
    nearValid.map((b) => JSON.stringify(b)),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.string({ unit: "binary" }),
  );

  it("1,000 generated bodies", async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        let parsed: unknown;
        let expected: number;
        try {
          parsed = JSON.parse(body);
          expected = expectedStatus(parsed);
        } catch {
          expected = 400;
        }
        const res = await send(body);
        seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
        expect(res.status).toBeLessThan(500);
        expect(res.status).toBe(expected);
        if (expected !== 201) expect(((await res.json()) as { error: { code: string } }).error.code).toMatch(/^(invalid_request|payload_too_large)$/);
        else await res.body?.cancel();
      }),
      { numRuns: 1000 },
    );
    expect([...seen.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1000);
    // Both outcomes are really exercised, not just the easy one.
    expect(seen.get(201)).toBeGreaterThan(100);
    expect(seen.get(400)).toBeGreaterThan(100);
  }, 120_000);
});
