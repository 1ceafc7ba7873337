import { describe, expect, it, vi } from "vitest";
import { CIPHERTEXT_MAX_BYTES, EDGE_CACHE, RATE_LIMITS, REQUEST_BODY_OVERHEAD_BYTES } from "../catalog/index.ts";
import { parseConfig } from "./config.ts";

describe("parseConfig", () => {
  it("applies the catalog defaults when no vars are set", () => {
    expect(parseConfig({})).toEqual({
      maxCiphertextBytes: CIPHERTEXT_MAX_BYTES.value,
      maxBodyBytes: CIPHERTEXT_MAX_BYTES.value + REQUEST_BODY_OVERHEAD_BYTES.value,
      rateLimits: { create: RATE_LIMITS.createsPerMinute.value, reveal: RATE_LIMITS.revealsPerMinute.value, windowMs: RATE_LIMITS.window.value * 1000 },
      metadataCache: { maxAgeSeconds: EDGE_CACHE.maxAge.value, staleWhileRevalidateSeconds: EDGE_CACHE.staleWhileRevalidate.value },
    });
  });

  it("reads vars given as strings or numbers", () => {
    const c = parseConfig({ MAX_CIPHERTEXT_BYTES: "1000", RATE_LIMIT_CREATE_PER_MINUTE: 5, RATE_LIMIT_REVEAL_PER_MINUTE: " 0 " });
    expect(c.maxCiphertextBytes).toBe(1000);
    expect(c.maxBodyBytes).toBe(1000 + REQUEST_BODY_OVERHEAD_BYTES.value);
    expect(c.rateLimits).toMatchObject({ create: 5, reveal: 0 });
  });

  it("falls back to the default, with a warning naming the var, for invalid values", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const c = parseConfig({ MAX_CIPHERTEXT_BYTES: "0", RATE_LIMIT_CREATE_PER_MINUTE: "-1", RATE_LIMIT_REVEAL_PER_MINUTE: "lots" });
    expect(c.maxCiphertextBytes).toBe(CIPHERTEXT_MAX_BYTES.value);
    expect(c.rateLimits).toMatchObject({ create: RATE_LIMITS.createsPerMinute.value, reveal: RATE_LIMITS.revealsPerMinute.value });
    expect(warn.mock.calls.map((args) => JSON.parse(String(args[0])).var)).toEqual(["MAX_CIPHERTEXT_BYTES", "RATE_LIMIT_CREATE_PER_MINUTE", "RATE_LIMIT_REVEAL_PER_MINUTE"]);
    warn.mockRestore();
  });
});
