import { D1_LIMITS } from "./limits.ts";
import { q } from "./quantity.ts";

const DOC = "infrastructure-recommendations.md";
const CF = "Cloudflare Workers Free plan allowance (not in the document; checked 2026)";

/**
 * Recommendation 1 names a warning point only for size (5 GB = 50% of the 10 GB limit) and a critical one
 * only in Rec. 4 (8 GB = 80%). The other hard limits get the same two fractions, so every trigger reads alike.
 */
export const LIMIT_FRACTIONS = {
  warning: q(0.5, "ratio", `${DOC} Rec. 1: plan migration at 50% of a limit (5GB of 10GB)`),
  critical: q(0.8, "ratio", `${DOC} Rec. 4: D1 size critical at 8GB, i.e. 80% of the 10GB limit`),
} as const;

export const ROWS_TRIGGER = {
  warning: q(D1_LIMITS.maxRows.value * LIMIT_FRACTIONS.warning.value, "rows", "50% of the 500M row limit, like the 5GB size trigger"),
  critical: q(D1_LIMITS.maxRows.value * LIMIT_FRACTIONS.critical.value, "rows", "80% of the 500M row limit, like the 8GB size alert"),
} as const;

export const WRITE_RATE_TRIGGER = {
  warning: q(D1_LIMITS.writesPerSecond.value * LIMIT_FRACTIONS.warning.value, "writes/s", "50% of the ~1000 writes/s a single D1 primary sustains"),
  critical: q(D1_LIMITS.writesPerSecond.value * LIMIT_FRACTIONS.critical.value, "writes/s", "80% of the ~1000 writes/s a single D1 primary sustains"),
} as const;

/** Migration targets in the document's order of preference (Rec. 1). */
export const MIGRATION_TARGETS = [
  { id: "turso", name: "Turso (libSQL)", fit: `${DOC} Rec. 1: SQLite-compatible, edge-replicated, easy migration`, multiRegionWrites: true, complexTransactions: true, sqliteCompatible: true },
  { id: "planetscale", name: "PlanetScale", fit: `${DOC} Rec. 1: MySQL, excellent scaling, branching workflow`, multiRegionWrites: false, complexTransactions: true, sqliteCompatible: false },
  { id: "neon", name: "Neon", fit: `${DOC} Rec. 1: Postgres, serverless, good for complex queries`, multiRegionWrites: false, complexTransactions: true, sqliteCompatible: false },
] as const;
export type MigrationTargetId = (typeof MIGRATION_TARGETS)[number]["id"];

/** Billing is monthly while the document states free tiers per day. */
export const DAYS_PER_MONTH = q(30, "days", "Cloudflare bills per calendar month; the document's per-day free tiers times 30");

/** Free-plan allowances the document does not state but the cost model needs to decide if a load fits the free tier. */
export const FREE_PLAN = {
  d1WritesPerDay: q(100_000, "rows written/day", `${CF}: D1 100K rows written/day`),
  d1Storage: q(5e9, "bytes", `${CF}: D1 5 GB storage`),
  kvWritesPerDay: q(1_000, "writes/day", `${CF}: KV 1K writes/day`),
  doRequestsPerDay: q(100_000, "requests/day", `${CF}: Durable Objects 100K requests/day (SQLite-backed)`),
  cpuMsPerInvocation: q(10, "ms", `${CF}: 10 ms CPU per invocation on the Free plan`),
} as const;

/**
 * What one API request costs on average, when nothing measured is given (`moltsecret cost`).
 * Derived from the request mix of the secrets API; override per flag or measure with --prometheus-url.
 */
export const COST_ASSUMPTIONS = {
  d1RowsRead: q(2, "rows/request", "A reveal or metadata read touches the row and one index entry"),
  d1RowsWritten: q(1, "rows/request", "Creates write a row plus 2 index entries (D1 bills index rows); reads write none; mix ~1 per request"),
  kvReads: q(0.5, "reads/request", "Query-cache and flag lookups; flags are cached per isolate, so about every other request reads KV"),
  kvWrites: q(0.01, "writes/request", "Query-cache fills and invalidations only"),
  cpuMs: q(2, "ms/request", "Hono routing, validation and JSON: a few ms, within the 10 ms cpu_ms of Rec. 5"),
  doRequests: q(0.3, "requests/request", "Rate-limiter Durable Object calls on create and reveal"),
} as const;

/** How far `moltsecret cost` may be from the document's projection table before it flags the row. */
export const COST_PROJECTION_TOLERANCE = q(0.25, "ratio", "A computed figure within 25% of the document's range is considered in agreement");

/** `moltsecret migrate run`: rows read from D1 and upserted into libSQL per step; the checkpoint advances after each. */
export const MIGRATE_COPY_CHUNK = q(1000, "rows", "Small enough that an interrupted copy repeats little and each libSQL write batch stays short");

/** `moltsecret migrate run`: the most row bytes one scan of either side may hold, so memory stays bounded at any row size. */
export const MIGRATE_SCAN_BYTES = q(16 * 1024 * 1024, "bytes", "16 MiB per scan: ~250 rows of the largest secret (64 KiB); the sync holds at most three scans' worth (source, target, pending writes)");
