import {
  CIPHERTEXT_MAX_BYTES,
  EDGE_CACHE,
  FLAG_CACHE_TTL,
  FLEET_CREATE_BUDGET,
  QUERY_CACHE_TTL,
  RATE_LIMITS,
  REQUEST_BODY_OVERHEAD_BYTES,
  WRITE_BEHIND_FLUSH,
} from "../catalog/index.ts";

/** The KV key holding the feature flags (JSON), unless FLAGS_KV_KEY names another. */
export const DEFAULT_FLAGS_KEY = "flags";

/** The API's settings, fully resolved from the bindings: every default applied here and nowhere else. */
export interface ApiConfig {
  maxCiphertextBytes: number;
  /** Whole request body cap, enforced before parsing. */
  maxBodyBytes: number;
  /** Requests per client network (IPv4 address, IPv6 prefix) per window, per action; 0 switches one off. */
  rateLimits: { create: number; reveal: number; read: number; delete: number; health: number; windowMs: number; ipv6PrefixBits: number; unavailableRetryAfterSeconds: number };
  /** Fleet-wide create budget per window (all networks together); 0 switches one off. */
  fleetCreates: { creates: number; bytes: number };
  metadataCache: { maxAgeSeconds: number; staleWhileRevalidateSeconds: number; notFoundMaxAgeSeconds: number };
  /** The caching layers and write-behind counting (worker/cache/, worker/view-counting/). */
  caching: { flagsKey: string; flagCacheTtlMs: number; queryCacheTtlMs: number; viewFlushIntervalMs: number };
}

type Vars = Partial<
  Record<
    | "MAX_CIPHERTEXT_BYTES"
    | "RATE_LIMIT_CREATE_PER_MINUTE"
    | "RATE_LIMIT_REVEAL_PER_MINUTE"
    | "RATE_LIMIT_READ_PER_MINUTE"
    | "RATE_LIMIT_DELETE_PER_MINUTE"
    | "RATE_LIMIT_HEALTH_PER_MINUTE"
    | "FLEET_CREATES_PER_MINUTE"
    | "FLEET_CREATE_BYTES_PER_MINUTE"
    | "VIEW_FLUSH_INTERVAL_MS"
    | "FLAGS_KV_KEY",
    unknown
  >
>;

/** A non-negative integer var; anything else falls back to the default with a warning naming the var (never its value's context). */
function intVar(vars: Vars, name: keyof Vars, fallback: number, min: number): number {
  const raw = vars[name];
  if (raw === undefined || raw === null || raw === "") return fallback;
  const value = typeof raw === "number" ? raw : Number(String(raw).trim());
  if (Number.isSafeInteger(value) && value >= min) return value;
  console.warn(JSON.stringify({ event: "config.invalid_var", var: name, using: fallback }));
  return fallback;
}

export function parseConfig(env: Vars): ApiConfig {
  const maxCiphertextBytes = intVar(env, "MAX_CIPHERTEXT_BYTES", CIPHERTEXT_MAX_BYTES.value, 1);
  return {
    maxCiphertextBytes,
    maxBodyBytes: maxCiphertextBytes + REQUEST_BODY_OVERHEAD_BYTES.value,
    rateLimits: {
      create: intVar(env, "RATE_LIMIT_CREATE_PER_MINUTE", RATE_LIMITS.createsPerMinute.value, 0),
      reveal: intVar(env, "RATE_LIMIT_REVEAL_PER_MINUTE", RATE_LIMITS.revealsPerMinute.value, 0),
      read: intVar(env, "RATE_LIMIT_READ_PER_MINUTE", RATE_LIMITS.readsPerMinute.value, 0),
      delete: intVar(env, "RATE_LIMIT_DELETE_PER_MINUTE", RATE_LIMITS.deletesPerMinute.value, 0),
      health: intVar(env, "RATE_LIMIT_HEALTH_PER_MINUTE", RATE_LIMITS.healthChecksPerMinute.value, 0),
      windowMs: RATE_LIMITS.window.value * 1000,
      ipv6PrefixBits: RATE_LIMITS.ipv6PrefixBits.value,
      unavailableRetryAfterSeconds: RATE_LIMITS.overloadRetryAfter.value,
    },
    fleetCreates: {
      creates: intVar(env, "FLEET_CREATES_PER_MINUTE", FLEET_CREATE_BUDGET.createsPerMinute.value, 0),
      bytes: intVar(env, "FLEET_CREATE_BYTES_PER_MINUTE", FLEET_CREATE_BUDGET.bytesPerMinute.value, 0),
    },
    metadataCache: { maxAgeSeconds: EDGE_CACHE.maxAge.value, staleWhileRevalidateSeconds: EDGE_CACHE.staleWhileRevalidate.value, notFoundMaxAgeSeconds: EDGE_CACHE.notFoundMaxAge.value },
    caching: {
      flagsKey: typeof env.FLAGS_KV_KEY === "string" && env.FLAGS_KV_KEY.trim() !== "" ? env.FLAGS_KV_KEY.trim() : DEFAULT_FLAGS_KEY,
      flagCacheTtlMs: FLAG_CACHE_TTL.value * 1000,
      queryCacheTtlMs: QUERY_CACHE_TTL.value * 1000,
      viewFlushIntervalMs: intVar(env, "VIEW_FLUSH_INTERVAL_MS", WRITE_BEHIND_FLUSH.value, 1),
    },
  };
}
