import { describe, expect, it } from "vitest";
import { CAPACITY_SIGNALS } from "../../promql/index.ts";
import { alertQuantity } from "../test/generated-rules.ts";

describe("capacity --prometheus-url evaluates the shipped alerts' own expressions", () => {
  it.each([
    ["writeP95", "MoltsecretMigrationWriteLatency"],
    ["sizeProjection", "MoltsecretMigrationSizeProjection"],
    ["size", "MoltsecretMigrationD1Size"],
    ["errorRate", "MoltsecretErrorRateWarning"],
  ] as const)("%s is what %s compares with its threshold", (signal, alert) => {
    expect(CAPACITY_SIGNALS[signal]).toBe(alertQuantity(alert));
  });
});
