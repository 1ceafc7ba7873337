import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { findGuardedLiterals, guardedValues } from "./threshold-literals.ts";

const ROOT = resolve(import.meta.dirname, "..");

/** TypeScript sources of a folder; tests and test helpers (test/) feed inputs and may use literals. */
function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") && !/(^|\/)test(\/|$)/.test(relative(ROOT, e.parentPath)))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)))
    .sort();
}

describe("no threshold literal outside the catalog", () => {
  const guarded = guardedValues();
  const files = ["promql", "grafana", "dashboards", "alerts", "observability"].flatMap(sources);
  const codeFiles = ["cli", "worker", "otlp", "tail"].flatMap(sources);

  it("guards the document's numbers in every unit they are shown in", () => {
    // ms and s, GB and bytes, percent and ratio, error budget, burn factors, prices.
    for (const v of [0.05, 50, 0.5, 500, 2, 2000, 5e9, 5, 8e9, 8, 1e10, 30, 0.995, 99.5, 0.005, 14.4, 6, 3, 0.02, 20, 0.15, 150, 0.3, 0.75, 2592000]) {
      expect(guarded.has(v), String(v)).toBe(true);
    }
  });

  it("scans the sources of every rendering folder", () => {
    expect(files.length).toBeGreaterThan(20);
    expect(files).toContain("alerts/rules/slo.ts");
    expect(files).toContain("dashboards/service-health.ts");
    expect(files).toContain("promql/queries.ts");
  });

  it.each(files)("%s has no catalog value typed in", (file) => {
    const hits = findGuardedLiterals(readFileSync(join(ROOT, file), "utf8"), guarded);
    expect(hits.map((h) => `${file}:${h.line}: ${h.value} in "${h.text}"`)).toEqual([]);
  });

  it("scans the CLI and the Worker too", () => {
    expect(codeFiles).toContain("cli/capacity/triggers.ts");
    expect(codeFiles).toContain("worker/config.ts");
  });

  it.each(codeFiles)("%s has no catalog value typed in (read as code)", (file) => {
    const hits = findGuardedLiterals(readFileSync(join(ROOT, file), "utf8"), guarded, "code");
    expect(hits.map((h) => `${file}:${h.line}: ${h.value} in "${h.text}"`)).toEqual([]);
  });

  it("flags drifted copies in code, strings and comments, but not durations or names", () => {
    const drifted = [
      "const warn = 0.01;",
      "expr: `rate(x[5m]) > 0.05`,",
      "thresholds: [{ value: 500, color: 'orange' }]",
      "const size = 5 * BYTES_PER_GB;",
      "// page at 14.4x burn",
      "const budget = 1 - 0.995;",
      "const bytes = 8_000_000_000;",
      "summary: 'D1 above 5GB'",
      "timeout: '500ms'",
    ];
    for (const line of drifted) expect(findGuardedLiterals(line, guarded), line).not.toEqual([]);
    const fine = ["rate(x[5m])", "see Rec. 3", "time: now-6h", "const p95 = QUANTILES.p95.value;", "http_5xx", "status=~\"5..\"", "const i = 0; i + 1"];
    for (const line of fine) expect(findGuardedLiterals(line, guarded), line).toEqual([]);
  });

  it("reads code for drift, not for its indexes, statuses and unit conversions", () => {
    const drifted = ["const warn = 0.01;", "const size = 5 * BYTES_PER_GB;", "// above 5 GB", "'> 50ms p95'", "const bytes = 8_000_000_000;", "const month = 2_592_000;", "--d1-writes 0.3"];
    for (const line of drifted) expect(findGuardedLiterals(line, guarded, "code"), line).not.toEqual([]);
    const fine = ["b.toString(16).padStart(2, \"0\")", "if (res.status !== 200) return;", "ms / 1000", "status >= 500", "for (let i = 0; i < 3; i++)", "const N = 100_000;", "-c 6GB", "xmlns=\"http://www.w3.org/2000/svg\""];
    for (const line of fine) expect(findGuardedLiterals(line, guarded, "code"), line).toEqual([]);
  });
});
