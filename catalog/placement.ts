import { COST_ASSUMPTIONS } from "./capacity.ts";
import { q } from "./quantity.ts";

const DOC = "infrastructure-recommendations.md";
const ASSUMED = "assumed, not in the document: typical public round-trip times between Cloudflare locations, checked 2026";

/**
 * Recommendation 3, "Geographic Distribution": where D1's single primary is, and the latencies the placement model
 * (cli/placement/latency-model.ts) adds up to the p50 of each endpoint per region. This machine cannot measure
 * geography, so the network terms are stated assumptions; the in-location terms are the document's.
 */
export const D1_PRIMARY_REGION = "US-West";

export const PLACEMENT_LATENCY = {
  /** Round trip from the Cloudflare location nearest a user of the region to D1's primary in US-West. */
  rttToPrimary: {
    us: q(35, "ms", `${ASSUMED}: ~10 ms from the West coast, ~70 ms from the East coast; 35 ms for the median US user`),
    eu: q(145, "ms", `${ASSUMED}: London/Frankfurt to Oregon/California, ~8,500-9,000 km of fibre`),
    apac: q(150, "ms", `${ASSUMED}: ~100 ms from Tokyo, ~170 ms from Singapore, ~150 ms from Sydney`),
  },
  /** Round trip from a Worker placed next to the primary (Smart Placement) to D1 and back, statement included. */
  d1NearPrimary: q(3, "ms", `${ASSUMED}: same region, D1's own statement time 0-1 ms (meta.duration measured locally)`),
  cacheApi: q(1, "ms", `${DOC} Rec. 2: Cache API ~1ms`),
  kv: q(10, "ms", `${DOC} Rec. 2: Workers KV ~10ms`),
  /** The rate limiter's Durable Object lives where its client first called from: in the client's region. */
  durableObjectInRegion: q(5, "ms", `${ASSUMED}: a Durable Object in the caller's region, one round trip`),
  /** The Worker's own work per request (routing, validation, JSON), the cost model's CPU per request. */
  worker: COST_ASSUMPTIONS.cpuMs,
} as const;
