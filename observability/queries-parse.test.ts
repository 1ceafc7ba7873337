import { describe, expect, it } from "vitest";
import { promqlErrors, substituteVariables } from "../promql/lint.ts";
import { dashboardQueries, ruleQueries } from "./collect-queries.ts";

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
});
