import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { figuresOf, quotedFigures, withFigures } from "./readme-figures.ts";

const ROOT = join(import.meta.dirname, "../..");
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

describe("README benchmark figures", () => {
  it("are the headlines of the run in docs/BENCHMARKS.md, verbatim (rerun `npm run bench` to refresh both)", () => {
    expect(quotedFigures(read("README.md"))).toBe(figuresOf(read("docs/BENCHMARKS.md")));
  });

  it("quote the run line and only the quoted headlines of the summary", () => {
    const doc = [
      "# Benchmarks",
      "",
      "Run 2026-12-01T13:20:00.000Z with `npm run bench` (full run), 18.5 minutes.",
      "",
      "## Summary",
      "",
      "- Overhead in one workerd, on vs off (create / metadata / reveal): throughput 0.97x / 0.96x / 0.98x, p99 1.02x / 1.05x / 1.01x.",
      "- Export: 1,200 requests per export.",
      "- Bundle: 70 KiB gzipped without telemetry, 150 KiB with it: telemetry adds 80 KiB (otel-cf-workers alone: 60 KiB).",
      "",
      "## Machine and versions",
      "- Bundle: not in the summary",
    ].join("\n");
    const figures = figuresOf(doc);
    expect(figures.split("\n")).toEqual([
      "From docs/BENCHMARKS.md: Run 2026-12-01T13:20:00.000Z with `npm run bench` (full run), 18.5 minutes.",
      "",
      "- Overhead in one workerd, on vs off (create / metadata / reveal): throughput 0.97x / 0.96x / 0.98x, p99 1.02x / 1.05x / 1.01x.",
      "- Bundle: 70 KiB gzipped without telemetry, 150 KiB with it: telemetry adds 80 KiB (otel-cf-workers alone: 60 KiB).",
    ]);
    const readme = withFigures("a\n<!-- bench-figures:start (written by `npm run bench` from the run in docs/BENCHMARKS.md; do not edit) -->\nold\n<!-- bench-figures:end -->\nb", figures);
    expect(quotedFigures(readme)).toBe(figures);
    expect(readme.startsWith("a\n") && readme.endsWith("\nb")).toBe(true);
  });
});
