import { describe, expect, it } from "vitest";
import { median, pairedRatio, quantile, summary } from "./stats.ts";

describe("bench stats", () => {
  it("takes the middle value of odd samples and interpolates even ones", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it("interpolates quantiles linearly and ignores non-finite values", () => {
    expect(quantile([1, 2, 3, 4, 5], 0.25)).toBe(2);
    expect(quantile([10, 20], 0.75)).toBe(17.5);
    expect(summary([3, NaN, 1, 2])).toEqual({ n: 3, median: 2, min: 1, max: 3, q1: 1.5, q3: 2.5 });
  });

  it("pairs rounds for ratios and reports their spread", () => {
    const r = pairedRatio([90, 100, 110], [100, 100, 100]);
    expect(r.ofMedians).toBe(1);
    expect(r.rounds).toEqual([0.9, 1, 1.1]);
    expect(r.perRound.min).toBe(0.9);
    expect(r.perRound.max).toBe(1.1);
  });

  it("gives NaN, not a number that looks measured, for empty input", () => {
    expect(median([])).toBeNaN();
    expect(summary([]).n).toBe(0);
  });
});
