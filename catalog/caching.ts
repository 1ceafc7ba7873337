import { LABEL_VALUES } from "./observability.ts";
import { q } from "./quantity.ts";

const DOC = "infrastructure-recommendations.md";

/** Recommendation 2, "TTL Strategy", and Recommendation 5, "Aggressive Edge Caching". */
export const EDGE_CACHE = {
  maxAge: q(60, "s", `${DOC} Rec. 2/5: API responses 60 seconds`),
  staleWhileRevalidate: q(300, "s", `${DOC} Rec. 5: stale-while-revalidate=300`),
  immutableMaxAge: q(31_536_000, "s", `${DOC} Rec. 2: immutable assets 1 year`),
  notFoundMaxAge: q(3600, "s", "Negative cache of unknown ids in the Cache API (free): ids are 128 random bits and a burned or expired id never comes back, so a 404 stays true; an hour bounds the space one location spends on them"),
} as const;

/** Recommendation 2, "Layer 3: Database Query Cache". */
export const QUERY_CACHE_TTL = q(30, "s", `${DOC} Rec. 2: cache hot queries in KV with 30s TTL`);

/** The last flags read from KV are also kept this long in the location's Cache API, for isolates that start while KV fails. */
export const FLAG_FALLBACK_MAX_AGE = q(86_400, "s", "A day: an isolate that starts during a KV outage keeps the incident's flags (e.g. createDisabled) instead of the defaults");

/**
 * Recommendation 5, "Smart KV Usage": a secret's metadata goes into KV only while it is hot (KV_HOT_READS_PER_MINUTE),
 * counted per location (worker/cache/read-heat.ts).
 */
export const KV_HOT = {
  window: q(60, "s", `${DOC} Rec. 5 states heat per minute: reads are counted in fixed one-minute windows, the previous window weighted by the share of it still inside the last minute`),
  isolateIds: q(10_000, "ids", "Ids whose reads an isolate counts in memory (exact for its own reads); beyond this it starts over: ~1 MB of a 128 MB isolate"),
  locationSampleOneIn: q(8, "reads", "An edge hit bumps the location's Cache API counter with probability 1/8, by 8 (unbiased; edge misses count exactly): the counter's match and put cost ~2.8 ms of CPU per edge hit in bench cpu, and it only has to see a secret cross 10 reads a minute"),
} as const;

/** Feature flags from KV are cached in the isolate this long. */
export const FLAG_CACHE_TTL = q(10, "s", "Flags change rarely; an operator waits at most this long for a flip to apply per isolate");

/** Recommendation 5, "Batch D1 Writes". */
export const WRITE_BEHIND_FLUSH = q(100, "ms", `${DOC} Rec. 5: accumulate in Durable Object, flush every 100ms`);

/** Write-behind view counting (worker/view-counting/): how the counting Durable Objects are laid out and kept. */
export const VIEW_COUNTER = {
  shards: q(16, "objects", "Each secret id maps to one of this many counter DOs: one batched D1 write per shard per flush (<= 160 writes/s at 100 ms, under D1's ~1000 writes/s), ~16k reveals/s before a DO's ~1000 req/s soft limit"),
  idleRetention: q(60, "s", "A counter forgets an id this long after its last view once everything is flushed; until then the view numbers it hands out stay exact"),
  maxIdsPerFlush: q(500, "ids", "Ids per batched UPDATE: keeps the JSON parameter far under D1's 100 KB statement limit and the KV invalidations under 1,000 operations per invocation"),
  knownUnlimitedIds: q(10_000, "ids", "Unlimited-view ids an isolate remembers so their reveals skip the limited-view write attempt: ~0.5 MB of a 128 MB isolate"),
  retryBackoff: q(1000, "ms", "Wait before retrying a failed flush (D1 unavailable); counts stay in DO storage meanwhile"),
  idPrefixChars: q(8, "characters", "Kept of an id at rest beside its hash, to find it again in D1 after a restart: 48 of its 128 random bits, 80 left to guess"),
} as const;

/** Cloudflare Workers KV limits that shape the KV layers. */
export const KV_LIMITS = {
  minExpirationTtl: q(60, "s", "Workers KV rejects expirationTtl below 60 s (measured locally: 400 Invalid expiration_ttl)"),
  keyWriteInterval: q(1, "s", "Workers KV allows at most one write per second to the same key"),
} as const;

/** cache.layer values the Worker emits with METRICS.cacheLookups. KV must stay "kv": the cost dashboard counts those as billed reads. */
export const CACHE_LAYERS = {
  edge: "edge",
  kv: LABEL_VALUES.cacheLayerKv,
  isolate: "isolate",
} as const;
