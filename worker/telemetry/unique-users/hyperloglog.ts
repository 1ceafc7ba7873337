import { TELEMETRY } from "../../../catalog/index.ts";

/** Register count m = 2^p; the estimate's relative standard error is 1.04 / sqrt(m) (Flajolet et al. 2007). */
export const HLL_PRECISION = TELEMETRY.hllPrecision.value;
export const HLL_REGISTERS = 2 ** HLL_PRECISION;
export const HLL_STANDARD_ERROR = 1.04 / Math.sqrt(HLL_REGISTERS);

/** A register update: [register index, rank]. This, not the hash or the IP, is all that leaves an isolate. */
export type RegisterUpdate = readonly [index: number, rank: number];

/** The register update for a hash of at least 64 bits: see registerUpdateOf. */
export function registerUpdate(hash: Uint8Array): RegisterUpdate {
  const view = new DataView(hash.buffer, hash.byteOffset, hash.byteLength);
  return registerUpdateOf(view.getUint32(0), view.getUint32(4));
}

/** From a 64-bit hash as two 32-bit halves: index from the first p bits, rank = leading zeros of the next 64-p bits + 1. */
export function registerUpdateOf(hi: number, lo: number): RegisterUpdate {
  const index = hi >>> (32 - HLL_PRECISION);
  const restBits = 64 - HLL_PRECISION;
  // The 64-p bits after the index, as hi-remainder then lo.
  const hiRest = hi & ((1 << (32 - HLL_PRECISION)) - 1);
  let rank: number;
  if (hiRest !== 0) rank = Math.clz32(hiRest) - HLL_PRECISION + 1;
  else if (lo !== 0) rank = 32 - HLL_PRECISION + Math.clz32(lo) + 1;
  else rank = restBits + 1;
  return [index, rank];
}

/** Merges updates into registers (max per index); returns whether anything changed. */
export function mergeUpdates(registers: Uint8Array, updates: Iterable<RegisterUpdate>): boolean {
  let changed = false;
  for (const [index, rank] of updates) {
    if (!Number.isInteger(index) || index < 0 || index >= registers.length) continue;
    const r = Math.min(255, Math.max(0, Math.trunc(rank)));
    if (r > (registers[index] ?? 0)) {
      registers[index] = r;
      changed = true;
    }
  }
  return changed;
}

/** HyperLogLog cardinality estimate with linear counting for small cardinalities. */
export function estimate(registers: Uint8Array): number {
  const m = registers.length;
  let sum = 0;
  let zeros = 0;
  for (const r of registers) {
    sum += 2 ** -r;
    if (r === 0) zeros++;
  }
  const alpha = 0.7213 / (1 + 1.079 / m);
  const raw = (alpha * m * m) / sum;
  if (raw <= 2.5 * m && zeros > 0) return Math.round(m * Math.log(m / zeros));
  return Math.round(raw);
}
