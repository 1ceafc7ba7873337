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
  createsPerMinute: q(30, "requests/min", "Per client IP, default for var RATE_LIMIT_CREATE_PER_MINUTE"),
  revealsPerMinute: q(120, "requests/min", "Per client IP, default for var RATE_LIMIT_REVEAL_PER_MINUTE"),
  window: q(60, "s", "Fixed window length of the per-IP counters"),
} as const;

export const PURGE = {
  chunkRows: q(500, "rows", "Rows deleted per statement by the cron purge: bounded so one run never holds the primary long"),
  maxChunksPerRun: q(50, "chunks", "Chunks per cron run; the rest waits for the next run"),
} as const;
