import type { Context, MiddlewareHandler } from "hono";
import { KV_HOT } from "../../catalog/index.ts";
import type { AppEnv } from "../app-env.ts";
import { SECRET_ID_PATTERN } from "../http/tokens.ts";
import type { SecretMetadata } from "../store/store.ts";
import { purgeEdgeCache } from "./edge-cache.ts";
import { cachedMetadata, invalidateQueryCache } from "./query-cache.ts";
import { IsolateReadCounts, isHot, locationHeat, readHeatHash, recordLocationRead, type LocationCount } from "./read-heat.ts";
import { waitUntilOf } from "./wait-until.ts";

const isolateReads = new IsolateReadCounts();

interface Heat {
  isolateRate: number;
  /** The Cache API key's hash, computed when the location's counter is touched (an edge miss, a sampled hit). */
  hash?: string;
  /** The location's count as an edge miss read it (metadataOf). */
  location?: LocationCount;
}

/** What countReads() learnt about the request's secret, for metadataOf() on an edge miss, and what metadataOf() read back. */
const heatOf = new WeakMap<Request, Heat>();

const SAMPLE = KV_HOT.locationSampleOneIn.value;

/**
 * Counts every metadata GET (edge hits included: heat is reads, not misses), before the edge cache answers. The
 * isolate counts at once, exactly, in memory; this location's Cache API counter is bumped after the response, in
 * waitUntil: exactly on an edge miss (which read the count already), and on an edge hit with probability
 * 1/KV_HOT.locationSampleOneIn by that many reads, so most hits cost no hash and no Cache API operation.
 */
export function countReads(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const id = c.req.param("id") ?? "";
    if (c.var.flags.queryCacheDisabled || c.var.flags.queryCacheEveryRead || !SECRET_ID_PATTERN.test(id)) return next();
    const now = Date.now();
    // On Cloudflare an isolate serves one location; keyed by host too, one that serves several (locally: the bench's
    // simulated locations) still counts each apart, like the Cache API does.
    const heat: Heat = { isolateRate: isolateReads.add(`${new URL(c.req.url).host}/${id}`, now) };
    heatOf.set(c.req.raw, heat);
    await next();
    const exact = heat.location !== undefined;
    if (!exact && Math.random() >= 1 / SAMPLE) return;
    const record = (async () => recordLocationRead(heat.hash ?? (await readHeatHash(id)), now, heat.location, exact ? 1 : SAMPLE))();
    const waitUntil = waitUntilOf(c);
    if (waitUntil) waitUntil(record);
    else await record;
  };
}

/**
 * A secret's metadata on an edge miss. Hot (more than KV_HOT_READS_PER_MINUTE in this isolate or this location): through
 * the KV query cache, which it fills. Cold: straight from D1, no KV read and no KV write. The flags switch KV off
 * (queryCacheDisabled) or back to promoting every read (queryCacheEveryRead, the layer as it was, for comparison).
 */
export async function metadataOf(c: Context<AppEnv>, id: string, now: number): Promise<SecretMetadata | null> {
  const { flags, store, config } = c.var;
  if (flags.queryCacheDisabled) return store.getMetadata(id, now);
  if (!flags.queryCacheEveryRead) {
    const heat: Heat = heatOf.get(c.req.raw) ?? { isolateRate: 0 };
    // This read is counted in the isolate already, not yet in the location.
    let hot = isHot(heat.isolateRate);
    if (!hot) {
      heat.hash ??= await readHeatHash(id);
      const location = await locationHeat(heat.hash, now);
      heat.location = location.count;
      hot = isHot(location.rate + 1);
    }
    if (!hot) return store.getMetadata(id, now);
  }
  return cachedMetadata(c.env.KV, store, id, now, { ttlMs: config.caching.queryCacheTtlMs });
}

/**
 * After a write to a secret: drop its cached metadata from this location's Cache API and from KV, before answering,
 * so the same client's next GET here sees the change. Done whatever the flags say: entries from before a flip may exist.
 */
export async function invalidateSecret(c: Context<AppEnv>, id: string): Promise<void> {
  await Promise.all([purgeEdgeCache(id), invalidateQueryCache(c.env.KV, id)]);
}
