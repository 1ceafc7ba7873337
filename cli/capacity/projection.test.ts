import { describe, expect, it } from "vitest";
import { BYTES_PER_GB, D1_LIMITS, D1_SIZE, MIGRATION } from "../../catalog/index.ts";
import { DAY_MS } from "../units.ts";
import type { SizePoint } from "../sources/size-point.ts";
import { project } from "./projection.ts";
import { evaluateTriggers } from "./triggers.ts";

const NOW = Date.parse("2026-11-27T00:00:00Z");

/** A month of daily points on a known line, with symmetric noise that least squares cancels. */
function synthetic(startBytes: number, perDay: number, days = 30, noise = 0): SizePoint[] {
  return Array.from({ length: days }, (_, i) => ({
    t: NOW - (days - 1 - i) * DAY_MS,
    bytes: startBytes + perDay * i + (i % 2 === 0 ? noise : -noise) * (i === days - 1 && days % 2 === 1 ? 0 : 1),
  }));
}

describe("least-squares growth projection", () => {
  it("recovers a known slope and the days to 5, 8 and 10 GB", () => {
    const perDay = 50e6;
    const start = 1 * BYTES_PER_GB;
    const p = project(synthetic(start, perDay, 30), NOW)!;
    expect(p.points).toBe(30);
    expect(p.bytesPerDay).toBeCloseTo(perDay, 3);
    const nowBytes = start + perDay * 29;
    expect(p.fittedBytesNow).toBeCloseTo(nowBytes, 0);
    expect(p.daysToWarning).toBeCloseTo((D1_SIZE.warning.value - nowBytes) / perDay, 6);
    expect(p.daysToCritical).toBeCloseTo((D1_SIZE.critical.value - nowBytes) / perDay, 6);
    expect(p.daysToLimit).toBeCloseTo((D1_LIMITS.maxSize.value - nowBytes) / perDay, 6);
    expect(p.warningDate).toBe(new Date(NOW + p.daysToWarning! * DAY_MS).toISOString().slice(0, 10));
  });

  it("is not thrown off by symmetric noise", () => {
    const p = project(synthetic(2e9, 10e6, 20, 5e6), NOW)!;
    expect(p.bytesPerDay).toBeGreaterThan(9e6);
    expect(p.bytesPerDay).toBeLessThan(11e6);
  });

  it("never reaches a threshold when shrinking, and says 0 days when already past", () => {
    const shrinking = project(synthetic(3e9, -1e6), NOW)!;
    expect(shrinking.bytesPerDay).toBeLessThan(0);
    expect(shrinking.daysToWarning).toBeNull();
    const past = project(synthetic(9e9, 1e6), NOW)!;
    expect(past.daysToWarning).toBe(0);
    expect(past.daysToCritical).toBe(0);
    expect(past.daysToLimit).toBeGreaterThan(0);
  });

  it("needs two distinct times", () => {
    expect(project([], NOW)).toBeNull();
    expect(project([{ t: NOW, bytes: 1 }], NOW)).toBeNull();
    expect(project([{ t: NOW, bytes: 1 }, { t: NOW, bytes: 2 }], NOW)).toBeNull();
  });

  it("fires the projection trigger when 5 GB is closer than the lead time", () => {
    const horizon = MIGRATION.projectionHorizon.value;
    const perDay = 100e6;
    const soon = project(synthetic(D1_SIZE.warning.value - perDay * (29 + horizon - 1), perDay), NOW)!;
    const later = project(synthetic(D1_SIZE.warning.value - perDay * (29 + horizon + 1), perDay), NOW)!;
    const trig = (p: typeof soon) => evaluateTriggers({
      sizeBytes: p.fittedBytesNow, rows: 0, writeP95Seconds: null, writesPerSecond: null, errorRate: null,
      needs: { complexTransactions: false, multiRegionWrites: false }, projection: p,
    }).find((t) => t.id === "d1_size_projection")!;
    expect(trig(soon).status).toBe("warning");
    expect(trig(later).status).toBe("ok");
  });
});
