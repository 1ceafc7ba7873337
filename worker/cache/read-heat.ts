import { KV_HOT, KV_HOT_READS_PER_MINUTE } from "../../catalog/index.ts";
import { sha256Hex } from "../http/tokens.ts";

/**
 * How hot a secret's metadata is in this location: reads per minute, counted twice over.
 * - In the isolate, exactly, in memory (free): catches a secret hammered through one isolate at once.
 * - In this data center's Cache API (free, shared by its isolates): one entry per id (this window's count and the
 *   previous one's), read-modify-write, so
 *   concurrent increments can lose counts; it only has to see that a secret crosses the threshold across isolates.
 * Neither costs a billed operation: a KV or Durable Object counter would cost more per read than the D1 read it decides
 * about (see the README, "KV for hot data only"). Cache API keys carry a hash, never the id; the isolate's counts are
 * keyed by id in memory only (like the view counter's known-unlimited ids), so an edge hit needs no hash.
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
const counterKey = (hash: string) => new Request(`${COUNTER_ORIGIN}/${hash}`, { method: "GET" });

/** One location's count of one secret: this window and the one before, in one Cache API entry. */
export interface LocationCount {
  window: number;
  current: number;
  previous: number;
}

/** The stored count as seen from `window`: an entry from the window before becomes the previous one, older is nothing. */
function shifted(stored: LocationCount | null, window: number): LocationCount {
  if (stored?.window === window) return stored;
  return { window, current: 0, previous: stored?.window === window - 1 ? stored.current : 0 };
}

async function readCount(hash: string, window: number): Promise<LocationCount> {
  const res = await caches.default.match(counterKey(hash));
  if (!res) return shifted(null, window);
  const [w, current, previous] = (await res.text()).split(" ").map(Number);
  const valid = [w, current, previous].every((n) => Number.isFinite(n));
  return shifted(valid ? { window: w!, current: current!, previous: previous! } : null, window);
}

/**
 * This location's reads in the last minute (this read not yet counted), and the count it was computed from, which
 * recordLocationRead() bumps without reading it again: one Cache API match per edge miss. A Cache API error counts as
 * cold: D1 answers, always correctly.
 */
export async function locationHeat(hash: string, now: number): Promise<{ rate: number; count: LocationCount | undefined }> {
  if (!hasCache()) return { rate: 0, count: undefined };
  try {
    const count = await readCount(hash, Math.floor(now / WINDOW_MS));
    return { rate: slidingRate(count.current, count.previous, now), count };
  } catch (err) {
    console.warn(JSON.stringify({ event: "read_heat.unavailable", op: "match", error: (err as Error).name }));
    return { rate: 0, count: undefined };
  }
}

/**
 * Counts `reads` reads (one, or a sample's weight) in this location's Cache API, from `known` when this request read
 * the count already. Errors are logged, never thrown.
 */
export async function recordLocationRead(hash: string, now: number, known?: LocationCount, reads = 1): Promise<void> {
  if (!hasCache()) return;
  const window = Math.floor(now / WINDOW_MS);
  try {
    const count = known?.window === window ? known : await readCount(hash, window);
    // Kept two windows: the next window still reads it as "previous".
    const body = `${window} ${count.current + reads} ${count.previous}`;
    await caches.default.put(counterKey(hash), new Response(body, { headers: { "Cache-Control": `max-age=${2 * KV_HOT.window.value}` } }));
  } catch (err) {
    console.warn(JSON.stringify({ event: "read_heat.unavailable", op: "put", error: (err as Error).name }));
  }
}
