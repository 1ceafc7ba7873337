import { describe, expect, it } from "vitest";
import { dashboardQueries, ruleQueries } from "../dashboards/collect-queries.ts";
import { promqlErrors, substituteVariables } from "./lint.ts";

describe("every PromQL expression parses (lezer-promql)", () => {
  const queries = [...dashboardQueries(), ...ruleQueries()];

  it("collects the queries of all four dashboards and every rule", () => {
    expect(dashboardQueries().length).toBeGreaterThan(20);
    expect(ruleQueries().length).toBeGreaterThan(30);
  });

  it.each(queries.map((q) => [q.where, q.expr]))("%s", (_where, expr) => {
    expect(expr).not.toBe("");
    expect(promqlErrors(substituteVariables(expr))).toEqual([]);
  });

  it("catches a broken expression", () => {
    expect(promqlErrors("sum(rate(x[5m])) >")).not.toEqual([]);
    expect(promqlErrors("histogram_quantile(0.9, sum by (le) (rate(x_bucket[5m]))")).not.toEqual([]);
  });
});
