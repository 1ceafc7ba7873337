import { describe, expect, it } from "vitest";
import { D1_LIMITS, D1_SIZE, LIMIT_FRACTIONS, MIGRATION, ROWS_TRIGGER, WRITE_RATE_TRIGGER, type Quantity } from "./index.ts";

/**
 * The document states one fraction of each hard limit (50% warning, 80% critical) and one migration size; every
 * other threshold is derived from them, so changing a limit or a fraction moves every trigger built on it.
 */
describe("derived thresholds follow the limit and the fractions they come from", () => {
  it.each([
    ["D1_SIZE", D1_SIZE, D1_LIMITS.maxSize],
    ["ROWS_TRIGGER", ROWS_TRIGGER, D1_LIMITS.maxRows],
    ["WRITE_RATE_TRIGGER", WRITE_RATE_TRIGGER, D1_LIMITS.writesPerSecond],
  ] as const)("%s is LIMIT_FRACTIONS of its limit", (_name, trigger: { warning: Quantity; critical: Quantity }, limit: Quantity) => {
    expect(trigger.warning.value).toBe(limit.value * LIMIT_FRACTIONS.warning.value);
    expect(trigger.critical.value).toBe(limit.value * LIMIT_FRACTIONS.critical.value);
  });

  it("the migration size trigger is the size warning (Rec. 1 and Rec. 4 name the same 5 GB)", () => {
    expect(MIGRATION.d1Size.value).toBe(D1_SIZE.warning.value);
  });
});
