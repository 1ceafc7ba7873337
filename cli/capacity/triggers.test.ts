import { describe, expect, it } from "vitest";
import { D1_SIZE, ERROR_RATE, MIGRATION, ROWS_TRIGGER, WRITE_RATE_TRIGGER } from "../../catalog/index.ts";
import { worstStatus } from "../exit-codes.ts";
import { evaluateHealth, evaluateTriggers, type Measurements } from "./triggers.ts";
import { recommend } from "./recommendation.ts";
import { parseOverrides } from "./overrides.ts";
import { generatedRules } from "../test/generated-rules.ts";

const base: Measurements = {
  sizeBytes: 1, rows: 1, writeP95Seconds: 0.001, writesPerSecond: 1, errorRate: 0,
  needs: { complexTransactions: false, multiRegionWrites: false }, projection: null,
};
const statusOf = (m: Partial<Measurements>, id: string) => {
  const all = [...evaluateTriggers({ ...base, ...m }), ...evaluateHealth({ ...base, ...m })];
  return all.find((t) => t.id === id)!.status;
};

describe("migration triggers at their boundaries", () => {
  const cases: Array<[string, keyof Measurements, number, number | null]> = [
    ["d1_size", "sizeBytes", D1_SIZE.warning.value, D1_SIZE.critical.value],
    ["d1_rows", "rows", ROWS_TRIGGER.warning.value, ROWS_TRIGGER.critical.value],
    ["write_latency_p95", "writeP95Seconds", MIGRATION.writeLatencyP95.value, null],
    ["write_rate", "writesPerSecond", WRITE_RATE_TRIGGER.warning.value, WRITE_RATE_TRIGGER.critical.value],
    ["error_rate", "errorRate", ERROR_RATE.warning.value, ERROR_RATE.critical.value],
  ];
  for (const [id, key, warning, critical] of cases) {
    const eps = warning * 1e-6;
    it(`${id}: ok just below ${warning}, ok at it, warning just above`, () => {
      expect(statusOf({ [key]: warning - eps }, id)).toBe("ok");
      expect(statusOf({ [key]: warning }, id)).toBe("ok");
      expect(statusOf({ [key]: warning + eps }, id)).toBe("warning");
    });
    if (critical !== null) {
      it(`${id}: warning just below critical ${critical}, critical just above`, () => {
        expect(statusOf({ [key]: critical - eps }, id)).toBe("warning");
        expect(statusOf({ [key]: critical + eps }, id)).toBe("critical");
      });
    }
    // The size is typed as always measured (gather refuses an API answer without file_size, see bin-errors.test.ts);
    // a non-finite size that got through anyway must read as unknown, never as "ok".
    const unmeasured = key === "sizeBytes" ? Number.NaN : null;
    it(`${id}: unknown when not measured (${unmeasured})`, () => {
      const trigger = [...evaluateTriggers({ ...base, [key]: unmeasured }), ...evaluateHealth({ ...base, [key]: unmeasured })].find((t) => t.id === id)!;
      expect(trigger.status).toBe("unknown");
      expect(trigger.message).toMatch(/: not measured \(/);
    });
  }

  it("the size trigger uses 5 GB / 8 GB of 10^9 bytes", () => {
    expect(statusOf({ sizeBytes: 5_000_000_001 }, "d1_size")).toBe("warning");
    expect(statusOf({ sizeBytes: 4_999_999_999 }, "d1_size")).toBe("ok");
    expect(statusOf({ sizeBytes: 8_000_000_001 }, "d1_size")).toBe("critical");
    // 5 GiB is above 5 GB: binary units would hide a fired trigger.
    expect(statusOf({ sizeBytes: 5 * 2 ** 30 }, "d1_size")).toBe("warning");
  });

  it("declared needs fire as warnings and make the recommendation migrate, Turso only for multi-region writes", () => {
    const needs = { complexTransactions: false, multiRegionWrites: true };
    const triggers = evaluateTriggers({ ...base, needs });
    expect(triggers.find((t) => t.id === "multi_region_writes")!.status).toBe("warning");
    expect(worstStatus(triggers.map((t) => t.status))).toBe("warning");
    const rec = recommend(triggers, needs);
    expect(rec.migrate).toBe(true);
    expect(rec.targets.map((t) => [t.id, t.fits])).toEqual([["turso", true], ["planetscale", false], ["neon", false]]);
  });

  it("the error rate is service health: never a migration trigger, never the verdict", () => {
    const m = { ...base, errorRate: ERROR_RATE.critical.value * 2 };
    expect(evaluateHealth(m).map((t) => [t.id, t.status])).toEqual([["error_rate", "critical"]]);
    const triggers = evaluateTriggers(m);
    expect(triggers.map((t) => t.id)).not.toContain("error_rate");
    expect(worstStatus(triggers.map((t) => t.status))).toBe("ok");
    expect(recommend(triggers, base.needs).migrate).toBe(false);
  });

  it("-w/-c ranges in the plugin format replace the catalog's thresholds", () => {
    const overrides = parseOverrides(["4GB", "write_latency_p95=40ms"], ["d1_size=6e9"]);
    const t = (sizeBytes: number, writeP95Seconds = 0.001) => evaluateTriggers({ ...base, sizeBytes, writeP95Seconds, overrides });
    expect(t(4e9)[0]!.status).toBe("ok");
    expect(t(4e9 + 1)[0]).toMatchObject({ status: "warning", warning: 4e9, warningRange: "4000000000", critical: 6e9, criticalRange: "6000000000" });
    expect(t(6e9 + 1)[0]!.status).toBe("critical");
    expect(t(1, 0.041).find((x) => x.id === "write_latency_p95")!.status).toBe("warning");
    // @10:20 alerts inside the range; 10: alerts below 10.
    expect(evaluateTriggers({ ...base, sizeBytes: 15, overrides: parseOverrides(["@10:20"]) })[0]!.status).toBe("warning");
    expect(evaluateTriggers({ ...base, sizeBytes: 5, overrides: parseOverrides(["10:"]) })[0]!.status).toBe("warning");
    expect(evaluateTriggers({ ...base, sizeBytes: 50, overrides: parseOverrides(["10:"]) })[0]!.status).toBe("ok");
    expect(() => parseOverrides(["bogus=1"])).toThrow(/unknown threshold name "bogus"/);
    expect(() => parseOverrides(["5 parsecs"])).toThrow(/invalid threshold range/);
  });

  it("unknown triggers neither raise nor lower the overall status", () => {
    expect(worstStatus(["unknown", "ok"])).toBe("ok");
    expect(worstStatus(["unknown", "warning", "ok"])).toBe("warning");
  });
});

describe("the report writes each threshold as the alert of the same threshold does", () => {
  const { summaries } = generatedRules();
  /** The threshold as the shipped alert's summary writes it: "above the 5 GB warning threshold" -> "5 GB". */
  const said = (alert: string, pattern: RegExp) => {
    const match = pattern.exec(summaries.get(alert) ?? "");
    expect(match, `${alert}: ${summaries.get(alert)}`).not.toBeNull();
    return match![1]!;
  };
  const message = (m: Partial<Measurements>, id: string) => [...evaluateTriggers({ ...base, ...m }), ...evaluateHealth({ ...base, ...m })].find((t) => t.id === id)!.message;

  it.each([
    ["MoltsecretD1SizeWarning", /above the (.+) warning threshold/, { sizeBytes: D1_SIZE.warning.value * 1.1 }, "d1_size", "above warning"],
    ["MoltsecretD1SizeCritical", /above the (.+) critical threshold/, { sizeBytes: D1_SIZE.critical.value * 1.1 }, "d1_size", "above critical"],
    ["MoltsecretErrorRateWarning", /above the (.+) warning threshold/, { errorRate: ERROR_RATE.warning.value * 1.1 }, "error_rate", "above warning"],
    ["MoltsecretErrorRateCritical", /above the (.+) critical threshold/, { errorRate: ERROR_RATE.critical.value * 1.1 }, "error_rate", "above critical"],
    ["MoltsecretMigrationWriteLatency", /above the (.+) migration trigger/, { writeP95Seconds: MIGRATION.writeLatencyP95.value * 1.1 }, "write_latency_p95", "above warning"],
  ] as const)("%s", (alert, pattern, m, id, words) => {
    expect(message(m, id)).toContain(`${words} ${said(alert, pattern)}`);
  });

  it("MoltsecretMigrationSizeProjection", () => {
    const projection = { method: "least-squares", points: 2, fittedBytesNow: D1_SIZE.warning.value, bytesPerDay: 1, daysToWarning: 0 } as unknown as Measurements["projection"];
    expect(message({ projection }, "d1_size_projection")).toContain(`${said("MoltsecretMigrationSizeProjection", /past the (.+) trigger/)} reached`);
  });
});
