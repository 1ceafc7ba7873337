// Recommendation 3 worked out on paper: the p50 of each endpoint per region, from the catalog's latencies and the
// round trips each endpoint makes (counted in the code, see README "Smart Placement"), for three placements.
import { LATENCY_TARGETS, PLACEMENT_LATENCY as L, REGIONS, type Region } from "../../catalog/index.ts";

export interface EndpointTrips {
  endpoint: string;
  /** "background": no user waits for it (the cron), so no target applies. */
  kind: "read" | "write" | "background";
  /** Sequential D1 round trips. Under the split every D1 round trip of a write endpoint is made by the write Worker. */
  d1: number;
  /** Sequential calls to the write Worker over the WRITER binding (the split only): each crosses to the primary once. */
  writerCalls: number;
  /** Sequential Durable Object round trips in the caller's region (the rate limiter; the view counter of unlimited reveals). */
  durableObjects: number;
  /** Round trips to the fleet-wide create budget: one object for the world, wherever it was first used. */
  fleetObject: number;
  /** Sequential Cache API operations on the response path. */
  cache: number;
  /** Sequential KV operations on the response path (an invalidation's cache.delete runs beside its KV read). */
  kv: number;
}

const trips = (t: Partial<EndpointTrips> & Pick<EndpointTrips, "endpoint" | "kind">): EndpointTrips => ({ d1: 0, writerCalls: 0, durableObjects: 0, fleetObject: 0, cache: 0, kv: 0, ...t });

/** The round trips on the response path of each endpoint as the code makes them (waitUntil work left out). */
export const ENDPOINT_TRIPS: readonly EndpointTrips[] = [
  // Edge lookup (1 Cache API match); a miss adds the read rate limit (a DO) and the heat counters (1 match).
  trips({ endpoint: "GET /api/secrets/{id}, edge hit", kind: "read", cache: 1 }),
  trips({ endpoint: "GET /api/secrets/{id}, hot: KV hit", kind: "read", durableObjects: 1, cache: 2, kv: 1 }),
  trips({ endpoint: "GET /api/secrets/{id}, cold: D1", kind: "read", d1: 1, durableObjects: 1, cache: 2 }),
  trips({ endpoint: "GET /healthz", kind: "read", d1: 1 }),
  // The network's rate limit, the fleet budget, then the insert.
  trips({ endpoint: "POST /api/secrets", kind: "write", d1: 1, writerCalls: 1, durableObjects: 1, fleetObject: 1 }),
  // Rate limit, negative-cache lookup, the counting batch, then the invalidation (cache.delete beside a KV read).
  trips({ endpoint: "POST /api/secrets/{id}/reveal, limited (burns)", kind: "write", d1: 1, writerCalls: 1, durableObjects: 1, cache: 1, kv: 1 }),
  // Rate limit, negative-cache lookup, the content read, the view counter's DO (an id this isolate knows is unlimited).
  trips({ endpoint: "POST /api/secrets/{id}/reveal, unlimited", kind: "write", d1: 1, writerCalls: 1, durableObjects: 2, cache: 1 }),
  // The isolate's first reveal of an unlimited id: the limited-view attempt answers null, then the content read.
  trips({ endpoint: "POST /api/secrets/{id}/reveal, unlimited, first in the isolate", kind: "write", d1: 2, writerCalls: 2, durableObjects: 2, cache: 1 }),
  trips({ endpoint: "DELETE /api/secrets/{id} (token checked and burned in one batch)", kind: "write", d1: 1, writerCalls: 1, durableObjects: 1, cache: 1, kv: 1 }),
  // The cron: up to PURGE.maxChunksPerRun chunks, one D1 round trip each; through the writer, one call for all of them.
  trips({ endpoint: "cron purge of 10 chunks, run this far from the primary", kind: "background", d1: 10, writerCalls: 1 }),
];

export const PLACEMENTS = ["edge", "split", "placed"] as const;
export type Placement = (typeof PLACEMENTS)[number];

export const PLACEMENT_NAMES: Record<Placement, string> = {
  edge: "one Worker at the edge, no placement (the design before the split)",
  split: "edge Worker + smart-placed write Worker (built)",
  placed: "one Worker with Smart Placement",
};

/** p50 in ms of one endpoint from one region under one placement. */
export function p50Ms(e: EndpointTrips, region: Region, placement: Placement): number {
  const rtt = L.rttToPrimary[region].value;
  const local = L.worker.value + e.cache * L.cacheApi.value + e.kv * L.kv.value;
  const dos = e.durableObjects * L.durableObjectInRegion.value;
  // The fleet budget object is modelled next to the primary (see catalog/placement.ts): one long round trip from the edge.
  const fleet = e.fleetObject * rtt;
  // Reads never reach the writer; the cron is not a fetch, and placement moves fetch handlers only.
  const atEdge = local + dos + fleet + e.d1 * rtt;
  if (placement === "edge" || (placement === "split" && e.writerCalls === 0) || (placement === "placed" && e.kind === "background")) return atEdge;
  // Split: the edge keeps rate limits and caches; each writer call is one long hop to the write Worker placed next
  // to the primary, its own work, then its D1 round trips at the near-primary latency.
  if (placement === "split") return local + dos + fleet + e.writerCalls * (rtt + L.worker.value) + e.d1 * L.d1NearPrimary.value;
  // Placed: the user's request crosses to the placed Worker first; its Durable Objects stay in the user's region.
  return rtt + local + e.durableObjects * rtt + e.fleetObject * L.d1NearPrimary.value + e.d1 * L.d1NearPrimary.value;
}

export const targetMs = (e: EndpointTrips, region: Region) => (e.kind === "background" ? Infinity : LATENCY_TARGETS[region][e.kind].value * 1000);

/** The README table: one row per endpoint, each region's p50 under the three placements against its target. */
export function latencyTable(): string {
  const head = ["Endpoint", "D1 round trips", "writer calls", ...REGIONS.map((r) => `${r.toUpperCase()} p50 ms: edge / split / placed (target)`)];
  const rows = ENDPOINT_TRIPS.map((e) => [
    e.endpoint,
    String(e.d1),
    String(e.writerCalls),
    ...REGIONS.map((r) => `${PLACEMENTS.map((p) => { const ms = p50Ms(e, r, p); return `${Math.round(ms)}${ms < targetMs(e, r) ? "" : "!"}`; }).join(" / ")} ${e.kind === "background" ? "(no target)" : `(< ${targetMs(e, r)})`}`),
  ]);
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}
