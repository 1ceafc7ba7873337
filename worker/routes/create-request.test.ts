import { describe, expect, it } from "vitest";
import { expectError, postJson } from "../test/client.ts";

describe("POST /api/secrets names the unknown field", () => {
  it("the README's own typo, {\"maxview\": 3}, is named and the intended field suggested", async () => {
    const err = await expectError(await postJson("/api/secrets", { ciphertext: "x", maxview: 3 }), 400, "invalid_request");
    expect(err.message).toBe('Unknown field "maxview" (did you mean maxViews?); allowed: ciphertext, ttlSeconds, maxViews');
  });

  it("several unknown fields are listed (at most five), values never", async () => {
    const body = Object.fromEntries(["a", "b", "c", "d", "e", "f", "g"].map((k) => [k, `value-of-${k}`]));
    const err = await expectError(await postJson("/api/secrets", { ciphertext: "x", ...body }), 400, "invalid_request");
    expect(err.message).toBe('Unknown fields "a", "b", "c", "d", "e" and 2 more; allowed: ciphertext, ttlSeconds, maxViews');
    expect(err.message).not.toContain("value-of");
  });
});
