import { q } from "./quantity.ts";

/** The secrets API contract: input bounds and defaults (vars can override the ones marked configurable). */
export const SECRET_TTL = {
  min: q(60, "s", "Shortest lifetime worth sharing a link for"),
  max: q(2_592_000, "s", "30 days: longest a one-time secret should live"),
  default: q(86_400, "s", "One day, when the client does not say"),
} as const;

export const MAX_VIEWS = {
  min: q(1, "views", "A secret must be viewable at least once"),
  max: q(1000, "views", "Above this, use unlimited (null)"),
  default: q(1, "views", "One-time secret by default"),
} as const;

export const CIPHERTEXT_MAX_BYTES = q(65_536, "bytes", "64 KiB default ciphertext limit (var MAX_CIPHERTEXT_BYTES)");

export const REQUEST_BODY_OVERHEAD_BYTES = q(1024, "bytes", "Room for the JSON keys and numbers around the ciphertext: body limit = ciphertext limit + this");

export const SECRET_ID_BYTES = q(16, "bytes", "128-bit random ids: unguessable, 22 base64url characters");

export const DELETE_TOKEN_BYTES = q(32, "bytes", "256-bit random delete tokens (43 base64url characters); only their SHA-256 is stored");

export const RATE_LIMITS = {
  createsPerMinute: q(30, "requests/min", "Per client network (IPv4 address, IPv6 /64), default for var RATE_LIMIT_CREATE_PER_MINUTE"),
  revealsPerMinute: q(120, "requests/min", "Per client network, default for var RATE_LIMIT_REVEAL_PER_MINUTE"),
  window: q(60, "s", "Fixed window length of the per-network counters"),
  readsPerMinute: q(600, "requests/min", "Metadata GET/HEAD per client network that miss the edge cache (hits cost no D1 or KV), default for var RATE_LIMIT_READ_PER_MINUTE"),
  deletesPerMinute: q(60, "requests/min", "Per client network, default for var RATE_LIMIT_DELETE_PER_MINUTE"),
  healthChecksPerMinute: q(60, "requests/min", "GET/HEAD /healthz per client network (an uptime checker needs one or two a minute), default for var RATE_LIMIT_HEALTH_PER_MINUTE"),
  ipv6PrefixBits: q(64, "bits", "IPv6 clients are keyed by their /64: one subscriber or host gets a whole /64, so rotating addresses inside it must not buy more budget"),
  overloadRetryAfter: q(5, "s", "Retry-After when the limiter itself is overloaded or unavailable and the request is refused (fails closed)"),
} as const;

/** Fleet-wide create budget (one Durable Object for every isolate): bounds how fast D1 can fill however many networks send. */
export const FLEET_CREATE_BUDGET = {
  createsPerMinute: q(6_000, "creates/min", "100 creates/s fleet-wide: a tenth of D1's ~1000 writes/s, default for var FLEET_CREATES_PER_MINUTE"),
  bytesPerMinute: q(1_000_000, "bytes/min", "1 MB of ciphertext a minute fleet-wide: D1's 10 GB takes ~6.9 days to fill at this rate, and the 5 GB/8 GB size alerts fire days before; default for var FLEET_CREATE_BYTES_PER_MINUTE"),
} as const;

export const PURGE = {
  chunkRows: q(500, "rows", "Rows deleted per statement by the cron purge: bounded so one run never holds the primary long"),
  maxChunksPerRun: q(50, "chunks", "Chunks per cron run; the rest waits for the next run"),
} as const;
