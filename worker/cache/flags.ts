import { CACHE_LAYERS } from "../../catalog/index.ts";
import { recordCacheLookup } from "../telemetry/business.ts";
import { DEFAULT_FLAGS, type Flags } from "../operator-flags.ts";
import { lastKnownFlags, rememberFlags } from "./flags-fallback.ts";

const NAMES = Object.keys(DEFAULT_FLAGS) as (keyof Flags)[];

/** Parses the stored JSON; unknown fields and non-boolean values are ignored (and named in a warning), never fatal. */
export function parseFlags(raw: string | null): Flags {
  const flags = { ...DEFAULT_FLAGS };
  if (raw === null) return flags;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    console.warn(JSON.stringify({ event: "flags.invalid", reason: "not JSON" }));
    return flags;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    console.warn(JSON.stringify({ event: "flags.invalid", reason: "not an object" }));
    return flags;
  }
  const record = parsed as Record<string, unknown>;
  const ignored = Object.keys(record).filter((k) => !(NAMES as string[]).includes(k) && k !== "cachingDisabled");
  for (const name of NAMES) {
    if (record[name] === undefined) continue;
    if (typeof record[name] === "boolean") flags[name] = record[name];
    else ignored.push(name);
  }
  if (record.cachingDisabled === true) {
    flags.edgeCacheDisabled = flags.queryCacheDisabled = flags.writeBehindDisabled = true;
  } else if (record.cachingDisabled !== undefined && typeof record.cachingDisabled !== "boolean") {
    ignored.push("cachingDisabled");
  }
  if (ignored.length > 0) console.warn(JSON.stringify({ event: "flags.ignored", fields: ignored }));
  return flags;
}

interface Entry {
  flags: Flags;
  /** The JSON the flags came from, so the location's fallback copy is rewritten only when it changed. */
  raw?: string | null;
  until: number;
  /** When a request started re-reading the key after `until`; meanwhile the others keep the stale flags. */
  refreshingSince?: number;
}

/**
 * The flags as this isolate last read them, per KV key, re-read at most once per TTL.
 *
 * No promise is ever shared between requests: workerd cancels a request that waits on I/O started by another
 * request ("the Worker's code had hung"), which is what sharing one in-flight KV read did to every request that
 * arrived during it, once per TTL (measured: 204 of 100,000 requests, in bursts every 10 s). So after the TTL one
 * request re-reads KV itself while the others keep the stale flags until it is done (or one TTL later if that read
 * never finishes); a cold isolate's first concurrent requests each read KV. A failed read keeps the last flags this
 * isolate read, or else the ones the location's Cache API kept (the defaults only if neither exists), for one TTL
 * rather than hammering KV.
 */
export class FlagCache {
  private readonly entries = new Map<string, Entry>();

  async get(kv: KVNamespace, key: string, ttlMs: number, now = Date.now()): Promise<Flags> {
    const entry = this.entries.get(key);
    const refreshing = entry?.refreshingSince !== undefined && now - entry.refreshingSince < ttlMs;
    if (entry && (entry.until > now || refreshing)) {
      recordCacheLookup(CACHE_LAYERS.isolate, "hit");
      return entry.flags;
    }
    recordCacheLookup(CACHE_LAYERS.isolate, "miss");
    if (entry) entry.refreshingSince = now;
    return this.load(kv, key, ttlMs, now);
  }

  private async load(kv: KVNamespace, key: string, ttlMs: number, now: number): Promise<Flags> {
    const previous = this.entries.get(key);
    let raw: string | null;
    try {
      raw = await kv.get(key);
    } catch (err) {
      // Keep what was last read: an incident's kill switch (createDisabled) must not turn off because KV did. This
      // isolate's own copy first, else the one the location's Cache API holds, the defaults only when neither exists.
      const located = previous ? undefined : await lastKnownFlags(key);
      const using = previous ? "last_known" : located !== undefined ? "location_last_known" : "defaults";
      console.warn(JSON.stringify({ event: "flags.unavailable", error: (err as Error).name, using }));
      const flags = previous?.flags ?? (located !== undefined ? parseFlags(located) : { ...DEFAULT_FLAGS });
      this.entries.set(key, { flags, raw: previous?.raw, until: now + ttlMs });
      return flags;
    }
    recordCacheLookup(CACHE_LAYERS.kv, raw === null ? "miss" : "hit");
    const flags = parseFlags(raw);
    this.entries.set(key, { flags, raw, until: now + ttlMs });
    if (previous?.raw !== raw) await rememberFlags(key, raw);
    return flags;
  }
}

/** One per isolate: flags are global configuration, not per-request state. */
export const isolateFlags = new FlagCache();
