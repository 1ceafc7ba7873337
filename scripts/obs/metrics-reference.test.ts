import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { METRICS } from "../../catalog/index.ts";
import { README, renderInto } from "./metrics-reference.ts";
import { readMetricsReference } from "./readme-metrics-table.ts";

// Whether the table is true (every metric the real Worker exports is in it, with the type, unit, labels and buckets it
// is sent with and the names Prometheus stores) is checked against a real run: test/pipeline/pipeline.test.ts.
describe("README metrics reference", () => {
  it("is up to date with catalog/metrics.ts (regenerate: npm run docs:metrics)", () => {
    const readme = readFileSync(README, "utf8");
    expect(renderInto(readme)).toBe(readme);
  });

  it("reads back one complete row per catalog metric (the reader the pipeline test compares a real run with)", () => {
    const rows = readMetricsReference(readFileSync(README, "utf8"));
    expect([...rows.keys()].sort()).toEqual(Object.values(METRICS).map((d) => d.name).sort());
    for (const row of rows.values()) {
      expect(row.stored.length, row.otelName).toBeGreaterThanOrEqual(1);
      expect(row.stored.every((n) => /^[a-z_][a-z0-9_]*$/.test(n)), row.otelName).toBe(true);
      expect(row.unit, row.otelName).not.toBe("");
      expect(row.buckets === null || row.buckets.every(Number.isFinite), row.otelName).toBe(true);
    }
  });
});
