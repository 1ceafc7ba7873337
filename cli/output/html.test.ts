import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Chromium } from "../../scripts/test/chromium.ts";
import { buildReport, type CapacityInput } from "../capacity/report.ts";
import { countColor, decodePng, rowsWithColor, type Image } from "../test/png.ts";
import { DAY_MS } from "../units.ts";
import { renderCapacityHtml } from "./html.ts";
import { CHART_COLORS, renderSizeChart } from "./svg-chart.ts";

const run = promisify(execFile);
const NOW = Date.parse("2026-11-27T00:00:00Z");

const input = (over: Partial<CapacityInput> = {}): CapacityInput => ({
  source: "local", now: NOW,
  database: { name: "moltsecret", id: "db-id", sizeBytes: 3.2e9, numTables: 2, tables: [{ name: "secrets", rows: 1_000_000 }] },
  rows: 1_000_000,
  history: Array.from({ length: 30 }, (_, i) => ({ t: NOW - (29 - i) * DAY_MS, bytes: 2e9 + 40e6 * i })),
  historyNote: "synthetic",
  writeP95Seconds: 0.02, writesPerSecond: 120, errorRate: 0.001,
  needs: { complexTransactions: false, multiRegionWrites: false },
  usage30d: { rowsRead: 1e9, rowsWritten: 2e7 },
  ...over,
});
const report = buildReport(input());
/** 53 MB growing 1.8 MB/day: a line at the bottom of the 0-11 GB panel, so the close-up panel is drawn. */
const small = buildReport(input({ database: { name: "moltsecret", id: "db-id", sizeBytes: 54e6, numTables: 2 }, history: Array.from({ length: 30 }, (_, i) => ({ t: NOW - (29 - i) * DAY_MS, bytes: 1.8e6 * (i + 1) })) }));
/** A history file of another database: 3 GB against a live 54 MB. */
const inconsistent = buildReport(input({ database: { name: "moltsecret", id: "db-id", sizeBytes: 54e6, numTables: 2 }, historyNote: "from history.json" }));

const attr = (el: string, name: string) => Number(new RegExp(`${name}="([-\\d.]+)"`).exec(el)![1]);
const elements = (svg: string, role: string) => [...svg.matchAll(new RegExp(`<[a-z]+ [^>]*data-role="${role}"[^>]*>([^<]*)`, "g"))].map((m) => ({ el: m[0], text: m[1]! }));

describe("the capacity chart, as SVG", () => {
  it("draws the 5/8/10 GB lines on a linear scale with their labels beside them, month ticks and axis titles", () => {
    const svg = renderSizeChart(report);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const lines = elements(svg, "threshold").map((l) => ({ bytes: attr(l.el, "data-bytes"), y: attr(l.el, "y1") }));
    expect(lines.map((l) => l.bytes)).toEqual([5e9, 8e9, 10e9]);
    // Linear: the gaps between the lines are proportional to the gaps in bytes (3 GB and 2 GB).
    expect((lines[0]!.y - lines[1]!.y) / (lines[1]!.y - lines[2]!.y)).toBeCloseTo(3 / 2, 2);
    const labels = elements(svg, "threshold-label");
    expect(labels.map((l) => l.text)).toEqual(["5 GB warning", "8 GB critical", "10 GB D1 limit"]);
    labels.forEach((l, i) => expect(Math.abs(attr(l.el, "y") - 4 - lines[i]!.y)).toBeLessThan(1));
    const ticks = elements(svg, "month-tick").map((t) => t.text);
    expect(ticks[0]).toBe("Nov 2026");
    expect(ticks).toContain("Jan 2027");
    for (const t of ticks) expect(t).toMatch(/^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)( \d{4}| 15)?$/);
    expect(elements(svg, "axis-title").map((t) => t.text)).toEqual(["D1 size (1 GB = 10^9 bytes)", "date (UTC, month ticks)"]);
    expect(elements(svg, "projection-label")[0]!.text).toBe("projection 40 MB/day: 5 GB on 2027-01-12");
    expect(elements(svg, "warning")).toEqual([]);
    const html = renderCapacityHtml(report);
    expect(html).toContain(svg);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it("puts the projection label on its line, and says when the history disagrees with the live size", () => {
    const svg = renderSizeChart(report);
    const label = elements(svg, "projection-label")[0]!.el;
    const points = /data-role="projection"/.test(svg) ? /<polyline points="([^"]+)"[^>]*data-role="projection"/.exec(svg)![1]!.split(" ").map((p) => p.split(",").map(Number)) : [];
    const lx = attr(label, "x") + 4;
    const nearest = points.reduce((a, b) => (Math.abs(b[0]! - lx) < Math.abs(a[0]! - lx) ? b : a));
    expect(Math.abs(nearest[1]! - attr(label, "y"))).toBeLessThan(20);
    expect(inconsistent.warnings).toEqual([expect.stringMatching(/^The size history \(from history\.json\), at its last point on 2026-11-27, says 3\.16 GB but the live size is 54 MB \(59x apart\)/)]);
    expect(elements(renderSizeChart(inconsistent), "warning")[0]!.text).toMatch(/^! The sources disagree about the size/);
    expect(renderCapacityHtml(inconsistent)).toContain('<p class="warn">Warning: The size history (from history.json)');
  });
});

describe("the capacity chart, as headless Chromium draws it", () => {
  let browser: Chromium;
  let dir: string;
  beforeAll(async () => {
    browser = await chromium();
    dir = await mkdtemp(join(tmpdir(), "moltsecret-html-"));
  }, 300_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function screenshot(name: string, html: string, width: number, height: number): Promise<Image> {
    const page = join(dir, `${name}.html`);
    const png = join(dir, `${name}.png`);
    await writeFile(page, html);
    await run(browser.command, [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run", "--hide-scrollbars", `--user-data-dir=${join(dir, "profile")}`, `--screenshot=${png}`, `--window-size=${width},${height}`,
      `file://${page}`,
    ], { timeout: 60_000, env: { ...process.env, ...browser.env } });
    return decodePng(await readFile(png));
  }
  const chartPage = (svg: string) => `<!doctype html><html><body style="margin:0">${svg}</body></html>`;
  const size = (svg: string) => ({ w: attr(svg, "width"), h: attr(svg, "height") });

  it("the threshold lines are drawn where the chart says, far enough apart to tell, with history and projection", async () => {
    const svg = renderSizeChart(report);
    const { w, h } = size(svg);
    const img = await screenshot("chart", chartPage(svg), w, h);
    expect([img.width, img.height]).toEqual([w, h]);
    const plot = { x0: 100, x1: 760 };
    const rowsOf = (color: string) => rowsWithColor(img, color, 200, plot);
    const expected = elements(svg, "threshold").map((l) => attr(l.el, "y1"));
    const drawn = [CHART_COLORS.warning, CHART_COLORS.critical, CHART_COLORS.limit].map(rowsOf);
    drawn.forEach((rows, i) => {
      expect(rows.length, `line ${i} drawn`).toBeGreaterThan(0);
      for (const r of rows) expect(Math.abs(r - expected[i]!)).toBeLessThanOrEqual(2);
    });
    // Readable at a glance: 5 GB and 8 GB are 80+ px apart, 8 GB and 10 GB 50+ px (on a log axis they were ~10).
    expect(drawn[0]![0]! - drawn[1]![0]!).toBeGreaterThan(70);
    expect(drawn[1]![0]! - drawn[2]![0]!).toBeGreaterThan(45);
    // Labels in the line's colour, right of the plot, on the line's row.
    for (const [i, color] of [CHART_COLORS.warning, CHART_COLORS.critical, CHART_COLORS.limit].entries()) {
      expect(countColor(img, color, { x0: 790, x1: w, y0: expected[i]! - 10, y1: expected[i]! + 8 })).toBeGreaterThan(40);
    }
    expect(countColor(img, CHART_COLORS.history, { x0: 96, x1: 230, y0: 40, y1: 340 })).toBeGreaterThan(150);
    expect(countColor(img, CHART_COLORS.projection, { x0: 230, x1: 770, y0: 40, y1: 340 })).toBeGreaterThan(300);
    expect(countColor(img, CHART_COLORS.alert, { x0: 0, x1: w, y0: 0, y1: 30 })).toBe(0);
  }, 120_000);

  it("a tiny database gets a close-up where its history is visible; disagreeing sources show a red warning", async () => {
    const svg = renderSizeChart(small);
    const { w, h } = size(svg);
    const img = await screenshot("small", chartPage(svg), w, h);
    const zoomTop = 40 + 300 + 78;
    // In the main panel the history is a few pixels at the bottom; in the close-up it climbs across the panel.
    const inZoom = countColor(img, CHART_COLORS.history, { x0: 96, x1: 770, y0: zoomTop, y1: zoomTop + 150 });
    expect(inZoom).toBeGreaterThan(400);
    const rows = new Set<number>();
    for (let y = zoomTop; y < zoomTop + 150; y++) if (countColor(img, CHART_COLORS.history, { x0: 96, x1: 770, y0: y, y1: y + 1 }) > 0) rows.add(y);
    expect(rows.size).toBeGreaterThan(50);

    const bad = renderSizeChart(inconsistent);
    const badImg = await screenshot("inconsistent", chartPage(bad), size(bad).w, size(bad).h);
    expect(countColor(badImg, CHART_COLORS.alert, { x0: 0, x1: size(bad).w, y0: 0, y1: 30 })).toBeGreaterThan(150);
  }, 120_000);

  it("the whole page renders, with the warning box above the chart", async () => {
    const img = await screenshot("page", renderCapacityHtml(inconsistent), 1000, 800);
    expect([img.width, img.height]).toEqual([1000, 800]);
    expect(countColor(img, "#fef3c7", { x0: 0, x1: 1000, y0: 60, y1: 160 }, 6)).toBeGreaterThan(20_000);
    expect(countColor(img, CHART_COLORS.warning, { x0: 0, x1: 1000, y0: 160, y1: 800 })).toBeGreaterThan(300);
  }, 120_000);
});
