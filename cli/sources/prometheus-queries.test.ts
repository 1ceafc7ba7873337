import { describe, expect, it } from "vitest";
import { RULE_GROUPS } from "../../alerts/rules/index.ts";
import { SIGNALS } from "./prometheus-queries.ts";

const recordings = RULE_GROUPS.flatMap((g) => g.recording ?? []);
const alertExprs = RULE_GROUPS.flatMap((g) => g.alerts.map((a) => a.expr));
const recordOf = (expr: string) => recordings.find((r) => r.expr === expr)?.record;

describe("capacity --prometheus-url evaluates the alerts' own expressions", () => {
  it.each([
    ["writeP95", "MoltsecretMigrationWriteLatency"],
    ["sizeProjection", "MoltsecretMigrationSizeProjection"],
  ] as const)("%s is the recording rule behind %s", (signal, alert) => {
    const record = recordOf(SIGNALS[signal]);
    expect(record, `no recording rule evaluates ${SIGNALS[signal]}`).toBeDefined();
    const rule = RULE_GROUPS.flatMap((g) => g.alerts).find((a) => a.name === alert)!;
    expect(rule.expr.startsWith(`${record} > `)).toBe(true);
  });

  it("the error rate is the threshold rules' recorded ratio, and the size is the size alert's expression", () => {
    expect(recordOf(SIGNALS.errorRate)).toMatch(/http_error_ratio/);
    expect(alertExprs.some((e) => e.startsWith(`${SIGNALS.size} > `))).toBe(true);
  });
});
