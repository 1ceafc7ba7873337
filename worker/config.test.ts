import { describe, expect, it, vi } from "vitest";
import { CIPHERTEXT_MAX_BYTES, EDGE_CACHE, FLAG_CACHE_TTL, FLEET_CREATE_BUDGET, QUERY_CACHE_TTL, RATE_LIMITS, REQUEST_BODY_OVERHEAD_BYTES, WRITE_BEHIND_FLUSH } from "../catalog/index.ts";
import { DEFAULT_FLAGS_KEY, parseConfig } from "./config.ts";

describe("parseConfig", () => {
  it("applies the catalog defaults when no vars are set", () => {
    expect(parseConfig({})).toEqual({
      maxCiphertextBytes: CIPHERTEXT_MAX_BYTES.value,
      maxBodyBytes: CIPHERTEXT_MAX_BYTES.value + REQUEST_BODY_OVERHEAD_BYTES.value,
      rateLimits: {
        create: RATE_LIMITS.createsPerMinute.value,
        reveal: RATE_LIMITS.revealsPerMinute.value,
        read: RATE_LIMITS.readsPerMinute.value,
        delete: RATE_LIMITS.deletesPerMinute.value,
        health: RATE_LIMITS.healthChecksPerMinute.value,
        windowMs: RATE_LIMITS.window.value * 1000,
        ipv6PrefixBits: RATE_LIMITS.ipv6PrefixBits.value,
        unavailableRetryAfterSeconds: RATE_LIMITS.overloadRetryAfter.value,
      },
      fleetCreates: { creates: FLEET_CREATE_BUDGET.createsPerMinute.value, bytes: FLEET_CREATE_BUDGET.bytesPerMinute.value },
      metadataCache: { maxAgeSeconds: EDGE_CACHE.maxAge.value, staleWhileRevalidateSeconds: EDGE_CACHE.staleWhileRevalidate.value, notFoundMaxAgeSeconds: EDGE_CACHE.notFoundMaxAge.value },
      caching: {
        flagsKey: DEFAULT_FLAGS_KEY,
        flagCacheTtlMs: FLAG_CACHE_TTL.value * 1000,
        queryCacheTtlMs: QUERY_CACHE_TTL.value * 1000,
        viewFlushIntervalMs: WRITE_BEHIND_FLUSH.value,
      },
    });
  });

  it("reads the write-behind flush interval and the flags key from vars", () => {
    const c = parseConfig({ VIEW_FLUSH_INTERVAL_MS: "250", FLAGS_KV_KEY: " flags-canary " });
    expect(c.caching).toMatchObject({ viewFlushIntervalMs: 250, flagsKey: "flags-canary" });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(parseConfig({ VIEW_FLUSH_INTERVAL_MS: "0", FLAGS_KV_KEY: "  " }).caching).toMatchObject({ viewFlushIntervalMs: WRITE_BEHIND_FLUSH.value, flagsKey: DEFAULT_FLAGS_KEY });
    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();
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
