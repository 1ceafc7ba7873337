import { describe, expect, it } from "vitest";
import { HLL_REGISTERS, HLL_STANDARD_ERROR, estimate, mergeUpdates, registerUpdate, registerUpdateOf, type RegisterUpdate } from "./hyperloglog.ts";
import { keyedHash64, seedsOf } from "./keyed-hash.ts";

const encoder = new TextEncoder();
const sha256 = async (s: string) => new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(s)));

async function updatesFor(n: number, prefix: string): Promise<RegisterUpdate[]> {
  const out: RegisterUpdate[] = [];
  for (let i = 0; i < n; i++) out.push(registerUpdate(await sha256(`${prefix}|198.51.${i >> 8}.${i & 255}|${i}`)));
  return out;
}

describe("HyperLogLog", () => {
  it("states its standard error as 1.04/sqrt(m)", () => {
    expect(HLL_STANDARD_ERROR).toBeCloseTo(1.04 / Math.sqrt(HLL_REGISTERS), 12);
    expect(HLL_STANDARD_ERROR).toBeLessThan(0.01);
  });

  it("derives index and rank from the hash's leading bits", () => {
    const hash = new Uint8Array(32);
    hash[0] = 0xff;
    hash[1] = 0xfc; // index = all ones (14 bits), the next bits are 0 then...
    hash[2] = 0x20; // rest = 00 0010 0000... -> rank 5 (4 zeros, then a one)
    const [index, rank] = registerUpdate(hash);
    expect(index).toBe(HLL_REGISTERS - 1);
    expect(rank).toBe(5);
    expect(registerUpdate(new Uint8Array(32))).toEqual([0, 51]);
  });

  it.each([100, 5_000, 60_000])("estimates %i distinct clients within 3 standard errors", async (n) => {
    const registers = new Uint8Array(HLL_REGISTERS);
    mergeUpdates(registers, await updatesFor(n, `salt-${n}`));
    const e = estimate(registers);
    expect(Math.abs(e - n) / n).toBeLessThan(3 * HLL_STANDARD_ERROR + (n < 1000 ? 0.02 : 0));
  });

  it("counts a returning client once: merges are idempotent and order-free", async () => {
    const updates = await updatesFor(2_000, "same-day");
    const once = new Uint8Array(HLL_REGISTERS);
    mergeUpdates(once, updates);
    const twice = new Uint8Array(HLL_REGISTERS);
    expect(mergeUpdates(twice, [...updates].reverse())).toBe(true);
    expect(mergeUpdates(twice, updates)).toBe(false);
    expect(twice).toEqual(once);
  });

  it("ignores out-of-range updates instead of corrupting the sketch", () => {
    const registers = new Uint8Array(HLL_REGISTERS);
    expect(mergeUpdates(registers, [[-1, 3], [HLL_REGISTERS, 3], [1.5, 2]])).toBe(false);
    expect(estimate(registers)).toBe(0);
  });
});

describe("the request path's keyed hash", () => {
  // Sequential addresses are the hard case for a cheap hash: a poor mix would crowd them into few registers.
  it.each([1_000, 60_000])("spreads %i sequential IPv4 and IPv6 clients so the estimate stays within 3 standard errors", (n) => {
    const seeds = seedsOf("ab".repeat(32));
    for (const ipOf of [(i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, (i: number) => `2001:db8::${i.toString(16)}`]) {
      const registers = new Uint8Array(HLL_REGISTERS);
      mergeUpdates(registers, Array.from({ length: n }, (_, i) => registerUpdateOf(...keyedHash64(ipOf(i), seeds))));
      expect(Math.abs(estimate(registers) - n) / n).toBeLessThan(3 * HLL_STANDARD_ERROR);
    }
  });

  it("gives unrelated register updates under another day's salt", () => {
    const ip = "203.0.113.7";
    const a = keyedHash64(ip, seedsOf("01".repeat(32)));
    const b = keyedHash64(ip, seedsOf("02".repeat(32)));
    expect(a).not.toEqual(b);
    expect(keyedHash64(ip, seedsOf("01".repeat(32)))).toEqual(a);
  });
});
