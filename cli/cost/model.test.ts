import { describe, expect, it } from "vitest";
import { COST_PROJECTIONS, DAYS_PER_MONTH, FULL_MIX_POINTS, GRAFANA_CLOUD, PRICES, TELEMETRY, TELEMETRY_COST, aggregatorCost } from "../../catalog/index.ts";
import { parseCount } from "../units.ts";
import { compareWithDocument, DEFAULT_PER_REQUEST, estimateCost, estimateTelemetryCost, fitsFreePlan, requestsForCost } from "./model.ts";

describe("cost model", () => {
  it("parses K/M/B request counts and rejects junk with exit 3", () => {
    expect(parseCount("100M")).toBe(100e6);
    expect(parseCount("2.5k")).toBe(2500);
    expect(parseCount("1B")).toBe(1e9);
    expect(parseCount("1_000")).toBe(1000);
    expect(() => parseCount("ten")).toThrow(expect.objectContaining({ exitCode: 3 }));
  });

  it("bills each line as (usage - allowance) x catalog price", () => {
    const e = estimateCost(100e6, DEFAULT_PER_REQUEST);
    expect(e.plan).toBe("paid");
    const byItem = Object.fromEntries(e.lines.map((l) => [l.item, l]));
    expect(byItem["Workers requests"]!.usd).toBeCloseTo(((100e6 - PRICES.workersIncludedRequests.value) / 1e6) * PRICES.workersRequestsPerMillion.value, 9);
    const writes = 100e6 * DEFAULT_PER_REQUEST.d1RowsWritten;
    expect(byItem["D1 rows written"]!.usd).toBeCloseTo(((writes - PRICES.d1IncludedWritesMonthly.value) / 1e6) * PRICES.d1WritesPerMillion.value, 9);
    expect(e.totalUsd).toBeCloseTo(e.lines.reduce((a, l) => a + l.usd, 0), 9);
    expect(byItem["Workers Paid plan"]!.usd).toBe(PRICES.workersBaseMonthly.value);
  });

  it("is free exactly up to the Free plan's daily request allowance", () => {
    const perMonth = PRICES.workersFreeRequestsPerDay.value * DAYS_PER_MONTH.value;
    const light = { ...DEFAULT_PER_REQUEST, d1RowsWritten: 0, kvWrites: 0, doRequests: 0, kvReads: 0 };
    expect(fitsFreePlan(perMonth, light, 0)).toBe(true);
    expect(estimateCost(perMonth, light).totalUsd).toBe(0);
    expect(fitsFreePlan(perMonth + 1, light, 0)).toBe(false);
    expect(estimateCost(perMonth + 1, light).totalUsd).toBeGreaterThanOrEqual(PRICES.workersBaseMonthly.value);
  });

  it("puts the document's projection table beside computed figures and flags disagreement", () => {
    const rows = compareWithDocument(DEFAULT_PER_REQUEST);
    expect(rows.map((r) => r.scale)).toEqual(COST_PROJECTIONS.map((r) => r.scale));
    for (const r of rows) {
      expect(r.computedUsd).toBeCloseTo(estimateCost(r.requestsPerMonth, DEFAULT_PER_REQUEST).totalUsd, 9);
      const inRange = r.documentHigh === 0 ? r.computedUsd === 0 : r.computedUsd >= r.documentLow * 0.75 && r.computedUsd <= r.documentHigh * 1.25;
      expect(r.agrees).toBe(inRange);
    }
    // A cheaper request profile makes the Big row disagree on the low side.
    const cheap = compareWithDocument({ ...DEFAULT_PER_REQUEST, d1RowsWritten: 0, kvReads: 0, doRequests: 0, cpuMs: 0 });
    expect(cheap.find((r) => r.scale === "Big")!.note).toMatch(/below/);
  });

  it("finds the break-even volume where the bill reaches a server's cost", () => {
    const n = requestsForCost(200, DEFAULT_PER_REQUEST)!;
    expect(estimateCost(n, DEFAULT_PER_REQUEST).totalUsd).toBeGreaterThanOrEqual(200);
    expect(estimateCost(n - 2000, DEFAULT_PER_REQUEST).totalUsd).toBeLessThan(200);
  });
});

describe("telemetry's own cost", () => {
  it("prices series, logs and traces from the catalog's measured figures, free while within Grafana Cloud's Free tier", () => {
    const small = estimateTelemetryCost(10e6);
    expect(small.grafanaPlan).toBe("free");
    expect(small.activeSeries).toBe((TELEMETRY_COST.seriesFullMix.value + 1) * TELEMETRY.aggregatorShards.value);
    expect(small.logsGb).toBeCloseTo((10e6 * TELEMETRY_COST.logBytesPerRequest.value) / 1e9, 9);
    expect(small.lines.filter((l) => l.item.startsWith("Grafana")).every((l) => l.usd === 0)).toBe(true);
    const big = estimateTelemetryCost(1e9);
    expect(big.grafanaPlan).toBe("pro");
    const logs = big.lines.find((l) => l.item === "Grafana Cloud logs")!;
    expect(logs.usd).toBeCloseTo((big.logsGb - GRAFANA_CLOUD.freeLogsGb.value) * GRAFANA_CLOUD.writtenPerGbUsd.value + big.logsGb * GRAFANA_CLOUD.processedPerGbUsd.value, 9);
    expect(big.totalUsd).toBeCloseTo(big.lines.reduce((a, l) => a + l.usd, 0), 9);
  });

  it("does not grow active series with isolates, and prices the aggregator as aggregatorCost() for the busy isolates", () => {
    expect(estimateTelemetryCost(1e9, 10).activeSeries).toBe(estimateTelemetryCost(1e9, 10_000).activeSeries);
    const agg = (t: ReturnType<typeof estimateTelemetryCost>) => t.lines.find((l) => l.item.startsWith("Telemetry aggregator"))!;
    expect(agg(estimateTelemetryCost(1e9, 300)).usd).toBeCloseTo(aggregatorCost({ isolates: 300, pointsPerHandoff: FULL_MIX_POINTS }).usdPerMonth, 9);
    // Few requests: an isolate hands off only after serving one, so 1,000 requests cannot mean 10,000 busy isolates.
    const intervals = (DAYS_PER_MONTH.value * 86_400_000) / TELEMETRY.exportInterval.value;
    expect(estimateTelemetryCost(1000, 10_000).aggregatorRequests).toBeCloseTo(1000 + TELEMETRY.aggregatorShards.value * intervals, 6);
    expect(estimateCost(100e6, DEFAULT_PER_REQUEST).telemetry).toEqual(estimateTelemetryCost(100e6));
  });
});
