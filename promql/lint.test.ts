import { describe, expect, it } from "vitest";
import { promqlErrors } from "./lint.ts";

describe("promqlErrors (lezer-promql)", () => {
  it("catches a broken expression", () => {
    expect(promqlErrors("sum(rate(x[5m])) >")).not.toEqual([]);
    expect(promqlErrors("histogram_quantile(0.9, sum by (le) (rate(x_bucket[5m]))")).not.toEqual([]);
  });
});
