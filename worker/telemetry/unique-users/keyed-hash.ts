/**
 * MurmurHash3 (x86, 32-bit) of a string's UTF-16 code units under a secret seed: a cheap keyed hash for the request
 * path, where SHA-256 through crypto.subtle cost a promise, an encoder and a digest per request (bench: profile).
 * It only has to spread IPs evenly over the HyperLogLog registers: what leaves the isolate is a register index and a
 * rank (at most ~20 bits, shared by hundreds of thousands of IPs), and the seed is today's secret salt, forgotten at
 * midnight, so nothing links a register update to an IP or to another day.
 */
export function murmur3(text: string, seed: number): number {
  let h = seed >>> 0;
  const n = text.length;
  let i = 0;
  for (; i + 1 < n; i += 2) h = mixBlock(h, (text.charCodeAt(i) & 0xffff) | ((text.charCodeAt(i + 1) & 0xffff) << 16));
  if (i < n) h ^= scramble(text.charCodeAt(i) & 0xffff);
  h ^= n * 2;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const scramble = (k: number): number => Math.imul(rotl(Math.imul(k, 0xcc9e2d51), 15), 0x1b873593);
const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));
const mixBlock = (h: number, k: number): number => (Math.imul(rotl(h ^ scramble(k), 13), 5) + 0xe6546b64) | 0;

/** Two independent 32-bit seeds from a salt of hex digits (the UniqueUsers object's 64-digit daily salt). */
export function seedsOf(saltHex: string): readonly [number, number] {
  return [murmur3(saltHex, 0x9747b28c), murmur3(saltHex, 0x5bd1e995)];
}

/** 64 bits for one client under today's seeds: [high, low] 32-bit halves. */
export const keyedHash64 = (text: string, seeds: readonly [number, number]): readonly [number, number] => [murmur3(text, seeds[0]), murmur3(text, seeds[1])];
