import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { METRICS, promName } from "../../catalog/index.ts";
import { README, metricsReference, renderInto } from "./metrics-reference.ts";

describe("README metrics reference", () => {
  it("is up to date with catalog/metrics.ts (regenerate: npm run docs:metrics)", () => {
    const readme = readFileSync(README, "utf8");
    expect(renderInto(readme)).toBe(readme);
  });

  it("lists every catalog metric with its stored Prometheus name", () => {
    const table = metricsReference();
    for (const def of Object.values(METRICS)) {
      expect(table).toContain(`\`${def.name}\``);
      expect(table).toContain(promName(def));
    }
  });
});
