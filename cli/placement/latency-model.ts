// Recommendation 3 worked out on paper: the p50 of each endpoint per region, from the catalog's latencies and the
// round trips each endpoint makes (counted in the code, see README "Smart Placement"), for three placements.
import { LATENCY_TARGETS, PLACEMENT_LATENCY as L, REGIONS, type Region } from "../../catalog/index.ts";

export interface EndpointTrips {
  endpoint: string;
  kind: "read" | "write";
  /** Sequential D1 round trips. */
  d1: number;
  /** Sequential Durable Object round trips (the rate limiter; the view counter of unlimited reveals). */
  durableObjects: number;
  /** Sequential Cache API operations on the response path. */
  cache: number;
  /** Sequential KV operations on the response path (an invalidation's cache.delete runs beside its KV read). */
  kv: number;
}

/** The round trips on the response path of each endpoint as the code makes them (waitUntil work left out). */
export const ENDPOINT_TRIPS: readonly EndpointTrips[] = [
  // Edge lookup (1 Cache API match); a miss adds the read rate limit (a DO) and the heat counters (1 match).
  { endpoint: "GET /api/secrets/{id}, edge hit", kind: "read", d1: 0, durableObjects: 0, cache: 1, kv: 0 },
  { endpoint: "GET /api/secrets/{id}, hot: KV hit", kind: "read", d1: 0, durableObjects: 1, cache: 2, kv: 1 },
  { endpoint: "GET /api/secrets/{id}, cold: D1", kind: "read", d1: 1, durableObjects: 1, cache: 2, kv: 0 },
  { endpoint: "GET /healthz", kind: "read", d1: 1, durableObjects: 0, cache: 0, kv: 0 },
  { endpoint: "POST /api/secrets", kind: "write", d1: 1, durableObjects: 1, cache: 0, kv: 0 },
  // Rate limit, negative-cache lookup, the counting batch, then the invalidation (cache.delete beside a KV read).
  { endpoint: "POST /api/secrets/{id}/reveal, limited (burns)", kind: "write", d1: 1, durableObjects: 1, cache: 1, kv: 1 },
  // Rate limit, negative-cache lookup, the content read, the view counter's DO.
  { endpoint: "POST /api/secrets/{id}/reveal, unlimited", kind: "write", d1: 1, durableObjects: 2, cache: 1, kv: 0 },
  { endpoint: "DELETE /api/secrets/{id} (token checked and burned in one batch)", kind: "write", d1: 1, durableObjects: 1, cache: 1, kv: 1 },
  { endpoint: "DELETE /api/secrets/{id} as it was (token read, then burn)", kind: "write", d1: 2, durableObjects: 1, cache: 1, kv: 1 },
];

export const PLACEMENTS = ["edge", "split", "placed"] as const;
export type Placement = (typeof PLACEMENTS)[number];

export const PLACEMENT_NAMES: Record<Placement, string> = {
  edge: "one Worker at the edge (no placement)",
  split: "edge Worker + write Worker with Smart Placement",
  placed: "one Worker with Smart Placement",
};

/** p50 in ms of one endpoint from one region under one placement. */
export function p50Ms(e: EndpointTrips, region: Region, placement: Placement): number {
  const rtt = L.rttToPrimary[region].value;
  const local = L.worker.value + e.cache * L.cacheApi.value + e.kv * L.kv.value;
  const dos = e.durableObjects * L.durableObjectInRegion.value;
  if (placement === "edge" || (placement === "split" && e.kind === "read")) return local + dos + e.d1 * rtt;
  // Split: the edge keeps rate limits and caches, then one hop to the write Worker placed next to the primary.
  if (placement === "split") return local + dos + rtt + L.worker.value + e.d1 * L.d1NearPrimary.value;
  // Placed: the user's request crosses to the placed Worker first; its Durable Objects stay in the user's region.
  return rtt + local + e.durableObjects * rtt + e.d1 * L.d1NearPrimary.value;
}

export const targetMs = (e: EndpointTrips, region: Region) => LATENCY_TARGETS[region][e.kind].value * 1000;

/** The README table: one row per endpoint, each region's p50 under the three placements against its target. */
export function latencyTable(): string {
  const head = ["Endpoint", "D1 round trips", ...REGIONS.map((r) => `${r.toUpperCase()} p50 ms: edge / split / placed (target)`)];
  const rows = ENDPOINT_TRIPS.map((e) => [
    e.endpoint,
    String(e.d1),
    ...REGIONS.map((r) => `${PLACEMENTS.map((p) => { const ms = p50Ms(e, r, p); return `${Math.round(ms)}${ms < targetMs(e, r) ? "" : "!"}`; }).join(" / ")} (< ${targetMs(e, r)})`),
  ]);
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}
