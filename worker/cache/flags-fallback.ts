import { FLAG_FALLBACK_MAX_AGE } from "../../catalog/index.ts";
import { EDGE_CACHE_ORIGIN } from "./cache-origin.ts";

/**
 * The flags JSON last read from KV, kept in this location's Cache API (free) under a key of our canonical origin, so
 * an isolate that starts while KV fails takes the incident's flags instead of the defaults. Best effort: the Cache
 * API may have evicted it, or be absent (workers.dev, tests without it).
 */
const fallbackKey = (kvKey: string) => new Request(`${EDGE_CACHE_ORIGIN}/flags/${encodeURIComponent(kvKey)}`, { method: "GET" });

const hasCache = () => typeof caches !== "undefined";

/** Stores what KV said (an absent key is stored as "{}": the defaults are then the truth). */
export async function rememberFlags(kvKey: string, raw: string | null): Promise<void> {
  if (!hasCache()) return;
  const res = new Response(raw ?? "{}", { headers: { "Cache-Control": `max-age=${FLAG_FALLBACK_MAX_AGE.value}`, "Content-Type": "application/json" } });
  await caches.default.put(fallbackKey(kvKey), res).catch(() => {});
}

/** The JSON last stored in this location, or undefined when there is none. */
export async function lastKnownFlags(kvKey: string): Promise<string | undefined> {
  if (!hasCache()) return undefined;
  try {
    return await (await caches.default.match(fallbackKey(kvKey)))?.text();
  } catch {
    return undefined;
  }
}
