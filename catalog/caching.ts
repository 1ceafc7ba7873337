import { q } from "./quantity.ts";

const DOC = "infrastructure-recommendations.md";

/** Recommendation 2, "TTL Strategy", and Recommendation 5, "Aggressive Edge Caching". */
export const EDGE_CACHE = {
  maxAge: q(60, "s", `${DOC} Rec. 2/5: API responses 60 seconds`),
  staleWhileRevalidate: q(300, "s", `${DOC} Rec. 5: stale-while-revalidate=300`),
  immutableMaxAge: q(31_536_000, "s", `${DOC} Rec. 2: immutable assets 1 year`),
} as const;

/** Recommendation 2, "Layer 3: Database Query Cache". */
export const QUERY_CACHE_TTL = q(30, "s", `${DOC} Rec. 2: cache hot queries in KV with 30s TTL`);

/** Feature flags from KV are cached in the isolate this long. */
export const FLAG_CACHE_TTL = q(10, "s", "Flags change rarely; an operator waits at most this long for a flip to apply per isolate");

/** Recommendation 5, "Batch D1 Writes". */
export const WRITE_BEHIND_FLUSH = q(100, "ms", `${DOC} Rec. 5: accumulate in Durable Object, flush every 100ms`);
