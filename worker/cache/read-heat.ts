import { KV_HOT, KV_HOT_READS_PER_MINUTE } from "../../catalog/index.ts";
import { sha256Hex } from "../http/tokens.ts";

/**
 * How hot a secret's metadata is in this location: reads per minute, counted twice over.
 * - In the isolate, exactly, in memory (free): catches a secret hammered through one isolate at once.
 * - In this data center's Cache API (free, shared by its isolates): one entry per id and window, read-modify-write, so
 *   concurrent increments can lose counts; it only has to see that a secret crosses the threshold across isolates.
 * Neither costs a billed operation: a KV or Durable Object counter would cost more per read than the D1 read it decides
 * about (see the README, "KV for hot data only"). Keys carry a hash, never the id.
 */
const WINDOW_MS = KV_HOT.window.value * 1000;
/** Like the edge cache's keys, one origin whatever host the request came in on: heat is per location, not per hostname. */
const COUNTER_ORIGIN = "https://read-heat.moltsecret.invalid";

export const readHeatHash = (id: string) => sha256Hex(`moltsecret.read-heat:${id}`);

interface IsolateCount {
  window: number;
  current: number;
  previous: number;
}

/** Exact per-isolate counts, bounded: past KV_HOT.isolateIds ids the map starts over (heat is then re-learnt). */
export class IsolateReadCounts {
  private readonly counts = new Map<string, IsolateCount>();

  constructor(private readonly maxIds = KV_HOT.isolateIds.value) {}

  /** Counts one read and returns this isolate's rate, the read included. */
  add(hash: string, now: number): number {
    const window = Math.floor(now / WINDOW_MS);
    let entry = this.counts.get(hash);
    if (!entry) {
      if (this.counts.size >= this.maxIds) this.counts.clear();
      entry = { window, current: 0, previous: 0 };
      this.counts.set(hash, entry);
    } else if (entry.window !== window) {
      entry.previous = entry.window === window - 1 ? entry.current : 0;
      entry.current = 0;
      entry.window = window;
    }
    entry.current++;
    return slidingRate(entry.current, entry.previous, now);
  }
}

/** Reads in the last minute: this window's count plus the part of the previous window that is still inside it. */
function slidingRate(current: number, previous: number, now: number): number {
  return current + previous * (1 - (now % WINDOW_MS) / WINDOW_MS);
}

export const isHot = (readsPerMinute: number) => readsPerMinute > KV_HOT_READS_PER_MINUTE.value;

const hasCache = () => typeof caches !== "undefined";
const counterKey = (hash: string, window: number) => new Request(`${COUNTER_ORIGIN}/${hash}/${window}`, { method: "GET" });

async function countOf(key: Request): Promise<number> {
  const res = await caches.default.match(key);
  if (!res) return 0;
  const n = Number(await res.text());
  return Number.isFinite(n) ? n : 0;
}

/** This location's reads in the last minute (this read not yet counted). A Cache API error counts as cold: D1 answers, always correctly. */
export async function locationReadRate(hash: string, now: number): Promise<number> {
  if (!hasCache()) return 0;
  const window = Math.floor(now / WINDOW_MS);
  try {
    const [current, previous] = await Promise.all([countOf(counterKey(hash, window)), countOf(counterKey(hash, window - 1))]);
    return slidingRate(current, previous, now);
  } catch (err) {
    console.warn(JSON.stringify({ event: "read_heat.unavailable", op: "match", error: (err as Error).name }));
    return 0;
  }
}

/** Counts one read in this location's Cache API. Errors are logged, never thrown. */
export async function recordLocationRead(hash: string, now: number): Promise<void> {
  if (!hasCache()) return;
  const key = counterKey(hash, Math.floor(now / WINDOW_MS));
  try {
    const current = await countOf(key);
    // Kept two windows: the next window still reads it as "previous".
    await caches.default.put(key, new Response(String(current + 1), { headers: { "Cache-Control": `max-age=${2 * KV_HOT.window.value}` } }));
  } catch (err) {
    console.warn(JSON.stringify({ event: "read_heat.unavailable", op: "put", error: (err as Error).name }));
  }
}
