import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { buildReport } from "../capacity/report.ts";
import { DAY_MS } from "../units.ts";
import { renderCapacityHtml } from "./html.ts";
import { renderSizeChart } from "./svg-chart.ts";

const run = promisify(execFile);
const NOW = Date.parse("2026-11-27T00:00:00Z");

const report = buildReport({
  source: "local", now: NOW,
  database: { name: "moltsecret", id: "db-id", sizeBytes: 3.2e9, numTables: 2, tables: [{ name: "secrets", rows: 1_000_000 }] },
  rows: 1_000_000,
  history: Array.from({ length: 30 }, (_, i) => ({ t: NOW - (29 - i) * DAY_MS, bytes: 2e9 + 40e6 * i })),
  historyNote: "synthetic",
  writeP95Seconds: 0.02, writesPerSecond: 120, errorRate: 0.001,
  needs: { complexTransactions: false, multiRegionWrites: false },
  usage30d: { rowsRead: 1e9, rowsWritten: 2e7 },
});

describe("HTML capacity report", () => {
  it("inlines an SVG chart with the history, the projection and the 5/8/10 GB lines", () => {
    const svg = renderSizeChart(report);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    for (const label of ["5.00 GB warning", "8.00 GB critical", "10.00 GB D1 limit"]) expect(svg).toContain(label);
    expect(svg.match(/<circle /g)!.length).toBe(31);
    expect(svg).toContain("40.00 MB/day");
    const html = renderCapacityHtml(report);
    expect(html).toContain(svg);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it("renders in headless Chromium to a non-trivial PNG", async () => {
    const dir = await mkdtemp(join(tmpdir(), "moltsecret-html-"));
    try {
      const page = join(dir, "capacity.html");
      const png = join(dir, "capacity.png");
      await writeFile(page, renderCapacityHtml(report));
      await run("chromium", [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", `--user-data-dir=${join(dir, "profile")}`, `--screenshot=${png}`, "--window-size=1000,800",
        `file://${page}`,
      ], { timeout: 45_000 });
      const bytes = await readFile(png);
      expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect(bytes.readUInt32BE(16)).toBe(1000);
      expect(bytes.readUInt32BE(20)).toBe(800);
      // A blank page compresses to a few kB; text, tables and the chart make it far larger.
      expect(bytes.length).toBeGreaterThan(40_000);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
