import { describe, expect, it, vi } from "vitest";
import { KV_HOT, KV_HOT_READS_PER_MINUTE } from "../../catalog/index.ts";
import { IsolateReadCounts, isHot, locationHeat, readHeatHash, recordLocationRead } from "./read-heat.ts";

const WINDOW_MS = KV_HOT.window.value * 1000;
const THRESHOLD = KV_HOT_READS_PER_MINUTE.value;
/** The start of a window, so the previous window's weight is 1. */
const windowStart = () => Math.ceil(Date.now() / WINDOW_MS) * WINDOW_MS;

describe("read heat", () => {
  it(`is hot above ${THRESHOLD} reads a minute, not at it`, () => {
    expect(isHot(THRESHOLD)).toBe(false);
    expect(isHot(THRESHOLD + 1)).toBe(true);
  });

  it("counts an isolate's reads exactly, carries the previous window over by its remaining share, and cools", () => {
    const counts = new IsolateReadCounts();
    const t0 = windowStart();
    let rate = 0;
    for (let i = 0; i <= THRESHOLD; i++) rate = counts.add("h", t0 + i);
    expect(rate).toBe(THRESHOLD + 1);
    // Half-way through the next window half of the previous one still counts.
    expect(counts.add("h", t0 + 1.5 * WINDOW_MS)).toBeCloseTo(1 + (THRESHOLD + 1) / 2, 6);
    // Two windows later nothing of it is left.
    expect(counts.add("h", t0 + 3 * WINDOW_MS)).toBe(1);
    expect(counts.add("other", t0)).toBe(1);
  });

  it("bounds the ids an isolate remembers", () => {
    const counts = new IsolateReadCounts(2);
    const t0 = windowStart();
    counts.add("a", t0);
    counts.add("a", t0);
    counts.add("b", t0);
    counts.add("c", t0);
    expect(counts.add("a", t0)).toBe(1);
  });

  it("counts this location's reads in the Cache API under a hash", async () => {
    const hash = await readHeatHash(crypto.randomUUID());
    const now = Date.now();
    expect((await locationHeat(hash, now)).rate).toBe(0);
    for (let i = 0; i < 3; i++) await recordLocationRead(hash, now);
    expect((await locationHeat(hash, now)).rate).toBe(3);
    expect((await locationHeat(await readHeatHash(crypto.randomUUID()), now)).rate).toBe(0);
  });

  it("keeps both windows in one entry: the next window reads it as the previous one, the one after as nothing", async () => {
    const hash = await readHeatHash(crypto.randomUUID());
    const t0 = windowStart();
    for (let i = 0; i < 4; i++) await recordLocationRead(hash, t0);
    expect((await locationHeat(hash, t0 + 1.5 * WINDOW_MS)).rate).toBeCloseTo(2, 6);
    expect((await locationHeat(hash, t0 + 2 * WINDOW_MS)).rate).toBe(0);
  });

  it("bumps the count a lookup read without reading it again", async () => {
    const hash = await readHeatHash(crypto.randomUUID());
    const now = Date.now();
    await recordLocationRead(hash, now);
    const { count } = await locationHeat(hash, now);
    const match = vi.spyOn(caches.default, "match");
    await recordLocationRead(hash, now, count);
    expect(match).not.toHaveBeenCalled();
    match.mockRestore();
    expect((await locationHeat(hash, now)).rate).toBe(2);
  });
});
