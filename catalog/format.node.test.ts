import { describe, expect, it } from "vitest";
import { formatCount, formatMeasured, formatQuantity } from "./format.ts";
import { D1_LIMITS, D1_SIZE, ERROR_RATE, MIGRATION, PRICES, ROWS_TRIGGER, WORKER_CPU } from "./index.ts";

describe("one formatter for catalog quantities and measured values", () => {
  it("writes the document's thresholds as the document does", () => {
    expect([D1_SIZE.warning, D1_SIZE.critical, D1_LIMITS.maxSize].map(formatQuantity)).toEqual(["5 GB", "8 GB", "10 GB"]);
    expect(formatQuantity(MIGRATION.writeLatencyP95)).toBe("50 ms");
    expect(formatQuantity(ERROR_RATE.warning)).toBe("1%");
    expect(formatQuantity(WORKER_CPU.warning)).toBe("30 ms");
    expect(formatQuantity(ROWS_TRIGGER.warning)).toBe("250M rows");
    expect(formatQuantity(PRICES.workersIncludedRequests)).toBe("10M requests/month");
    expect(formatQuantity(PRICES.d1ReadsPerMillion)).toBe("0.001 USD/M rows read");
  });

  it("rounds measured values to three significant digits in the same units", () => {
    expect(formatMeasured(4_523_456_789, "bytes")).toBe("4.52 GB");
    expect(formatMeasured(D1_SIZE.warning.value, "bytes")).toBe(formatQuantity(D1_SIZE.warning));
    expect(formatMeasured(114_000_000, "bytes")).toBe("114 MB");
    expect(formatMeasured(512, "bytes")).toBe("512 B");
    expect(formatMeasured(0.06875, "s")).toBe("68.8 ms");
    expect(formatMeasured(2.5, "s")).toBe("2.5 s");
    expect(formatMeasured(0.031234, "ratio")).toBe("3.12%");
    expect(formatMeasured(100, "writes/s")).toBe("100 writes/s");
    expect(formatCount(1_333_333_333)).toBe("1.33B");
    expect(formatCount(0.0022)).toBe("0.0022");
  });
});
