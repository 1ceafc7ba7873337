import { MIGRATION } from "../../catalog/index.ts";
import type { CapacityReport } from "../capacity/report.ts";
import { formatMeasured } from "../../catalog/format.ts";
import { DAY_MS } from "../units.ts";

const sizeText = (v: number) => formatMeasured(v, "bytes");
import { monthTicks } from "./month-ticks.ts";

const W = 920;
const M = { left: 96, right: 150, top: 40, bottom: 58 };
const PW = W - M.left - M.right;
/** The main panel: the whole way to the limit, linear, so the warning, critical and limit lines sit apart as they are. */
const MAIN_H = 300;
/** The close-up of the recent history, on its own linear scale, when the database is tiny against the lines. */
const ZOOM_H = 150;
const GAP = 78;

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const f = (n: number) => n.toFixed(1);

export const CHART_COLORS = {
  warning: "#d97706", critical: "#dc2626", limit: "#7f1d1d", history: "#111827", projection: "#2563eb", now: "#16a34a", alert: "#b91c1c",
} as const;

interface Panel {
  top: number;
  height: number;
  yMax: number;
  start: number;
  end: number;
}

/** A round step for about `count` gridlines up to `max`. */
function niceStep(max: number, count: number): number {
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((k) => k * mag).find((s) => s >= raw)!;
}

/**
 * Size history and projection against the warning, critical and limit lines, read in seconds: a linear main panel from 0 to past the
 * limit (the lines where they really are), month ticks, axis titles, every label next to its line, and a close-up
 * panel of the recent history when it is too small to see beside the limit. Sources that disagree are said on top.
 */
export function renderSizeChart(report: CapacityReport): string {
  const now = Date.parse(report.generatedAt);
  const pts = report.history.points;
  const p = report.projection;
  const live = report.database.sizeBytes;
  const th = [
    { bytes: report.thresholds.warningBytes, label: "warning", color: CHART_COLORS.warning },
    { bytes: report.thresholds.criticalBytes, label: "critical", color: CHART_COLORS.critical },
    { bytes: report.thresholds.limitBytes, label: "D1 limit", color: CHART_COLORS.limit },
  ];
  const start = Math.min(pts[0]?.t ?? now - 30 * DAY_MS, now - 30 * DAY_MS);
  const aheadDays = p?.daysToLimit != null && p.daysToLimit > 0 ? Math.min(Math.max(p.daysToLimit * 1.1, 2 * MIGRATION.projectionHorizon.value), 730) : 2 * MIGRATION.projectionHorizon.value;
  const end = now + aheadDays * DAY_MS;
  const xOf = (panel: Panel) => (t: number) => M.left + ((t - panel.start) / (panel.end - panel.start)) * PW;
  const fitted = (t: number) => (p ? p.fittedBytesNow + (p.bytesPerDay * (t - now)) / DAY_MS : null);
  const dataMax = Math.max(live, ...pts.map((q) => q.bytes));
  const main: Panel = { top: M.top, height: MAIN_H, yMax: Math.max(report.thresholds.limitBytes * 1.1, dataMax * 1.05), start, end };
  const needZoom = dataMax < report.thresholds.warningBytes / 10;
  // The close-up spans the history and the projection horizon ahead, on a scale of its own.
  const zoomEnd = now + MIGRATION.projectionHorizon.value * DAY_MS;
  const zoomMax = Math.max(dataMax, fitted(zoomEnd) ?? 0, 1) * 1.15;
  const zoom: Panel = { top: M.top + MAIN_H + GAP, height: ZOOM_H, yMax: zoomMax, start, end: zoomEnd };
  const H = (needZoom ? zoom.top + ZOOM_H : M.top + MAIN_H) + M.bottom + 22;
  const yOf = (panel: Panel) => (b: number) => panel.top + panel.height - (Math.min(Math.max(b, 0), panel.yMax) / panel.yMax) * panel.height;

  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="D1 size history and projection" font-family="DejaVu Sans, system-ui, sans-serif" font-size="12">`);
  parts.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="#ffffff"/>`);
  if (report.warnings.length > 0) {
    const n = report.warnings.length;
    parts.push(`<text x="${M.left}" y="20" fill="${CHART_COLORS.alert}" font-weight="bold" data-role="warning">${esc(`! The sources disagree about the size (${n} warning${n > 1 ? "s" : ""} above): this chart may not describe this database`)}</text>`);
  }

  const drawPanel = (panel: Panel, title: string, withThresholds: boolean) => {
    const y = yOf(panel);
    const x = xOf(panel);
    const ticks = monthTicks(panel.start, panel.end);
    const step = niceStep(panel.yMax, 5);
    for (let b = 0; b <= panel.yMax + 1e-9; b += step) {
      parts.push(`<line x1="${M.left}" x2="${M.left + PW}" y1="${f(y(b))}" y2="${f(y(b))}" stroke="#e5e7eb"/>`);
      parts.push(`<text x="${M.left - 8}" y="${f(y(b) + 4)}" text-anchor="end" fill="#374151">${b === 0 ? "0" : esc(sizeText(b))}</text>`);
    }
    for (const t of ticks) {
      parts.push(`<line x1="${f(x(t.t))}" x2="${f(x(t.t))}" y1="${panel.top}" y2="${panel.top + panel.height}" stroke="#f3f4f6"/>`);
      parts.push(`<text x="${f(x(t.t))}" y="${panel.top + panel.height + 16}" text-anchor="middle" fill="#374151" data-role="month-tick">${esc(t.label)}</text>`);
    }
    parts.push(`<rect x="${M.left}" y="${panel.top}" width="${PW}" height="${panel.height}" fill="none" stroke="#9ca3af"/>`);
    parts.push(`<text transform="translate(18 ${f(panel.top + panel.height / 2)}) rotate(-90)" text-anchor="middle" fill="#111827" data-role="axis-title">${esc(title)}</text>`);
    parts.push(`<line x1="${f(x(now))}" x2="${f(x(now))}" y1="${panel.top}" y2="${panel.top + panel.height}" stroke="#6b7280" stroke-dasharray="2 3"/>`);
    parts.push(`<text x="${f(x(now) + 4)}" y="${panel.top + 14}" fill="#6b7280">now</text>`);
    if (withThresholds) {
      for (const t of th) {
        parts.push(`<line x1="${M.left}" x2="${M.left + PW}" y1="${f(y(t.bytes))}" y2="${f(y(t.bytes))}" stroke="${t.color}" stroke-width="2" stroke-dasharray="8 4" data-role="threshold" data-bytes="${t.bytes}"/>`);
        parts.push(`<text x="${M.left + PW + 6}" y="${f(y(t.bytes) + 4)}" fill="${t.color}" font-weight="bold" data-role="threshold-label">${esc(`${sizeText(t.bytes)} ${t.label}`)}</text>`);
      }
    }
    if (p) {
      const samples: string[] = [];
      for (let i = 0; i <= 200; i++) {
        const t = now + ((panel.end - now) * i) / 200;
        const b = fitted(t)!;
        if (b >= 0 && b <= panel.yMax) samples.push(`${f(x(t))},${f(y(b))}`);
      }
      if (samples.length > 1) parts.push(`<polyline points="${samples.join(" ")}" fill="none" stroke="${CHART_COLORS.projection}" stroke-width="2.5" stroke-dasharray="6 4" data-role="projection"/>`);
    }
    if (pts.length > 1) parts.push(`<polyline points="${pts.map((q) => `${f(x(q.t))},${f(y(q.bytes))}`).join(" ")}" fill="none" stroke="${CHART_COLORS.history}" stroke-width="2.5" data-role="history"/>`);
    for (const q of pts) parts.push(`<circle cx="${f(x(q.t))}" cy="${f(y(q.bytes))}" r="3" fill="${CHART_COLORS.history}"><title>${esc(`${q.date}: ${sizeText(q.bytes)}`)}</title></circle>`);
    parts.push(`<circle cx="${f(x(now))}" cy="${f(y(live))}" r="5" fill="${CHART_COLORS.now}" data-role="live"><title>${esc(`now: ${sizeText(live)}`)}</title></circle>`);
  };

  drawPanel(main, `D1 size (1 GB = 10^9 bytes)`, true);
  parts.push(`<text x="${M.left + PW / 2}" y="${M.top + MAIN_H + 38}" text-anchor="middle" fill="#111827" data-role="axis-title">date (UTC, month ticks)</text>`);
  if (p) {
    // The projection's label sits on its line, where it leaves the panel or at the right edge.
    const yMain = yOf(main);
    const x = xOf(main);
    const endBytes = fitted(end)!;
    const labelT = endBytes > main.yMax && p.bytesPerDay > 0 ? now + ((main.yMax - p.fittedBytesNow) / p.bytesPerDay) * DAY_MS : end;
    const lx = Math.min(x(labelT), M.left + PW);
    const ly = yMain(fitted(labelT)!) - 8;
    const reach = p.warningDate ? `${sizeText(report.thresholds.warningBytes)} on ${p.warningDate}` : `${sizeText(report.thresholds.warningBytes)} never at this rate`;
    parts.push(`<text x="${f(lx - 4)}" y="${f(Math.max(main.top + 12, ly))}" text-anchor="end" fill="${CHART_COLORS.projection}" font-weight="bold" data-role="projection-label">${esc(`projection ${sizeText(p.bytesPerDay)}/day: ${reach}`)}</text>`);
  }
  if (needZoom) {
    drawPanel(zoom, "close-up", false);
    parts.push(`<text x="${M.left + PW / 2}" y="${zoom.top + ZOOM_H + 38}" text-anchor="middle" fill="#111827" data-role="axis-title">date (UTC)</text>`);
    parts.push(`<text x="${M.left}" y="${zoom.top - 10}" fill="#111827" font-weight="bold">${esc(`Close-up: the size so far (${sizeText(live)} now) is below 1/10 of the ${sizeText(report.thresholds.warningBytes)} warning`)}</text>`);
  }
  const method = p ? (p.method === "predict_linear" ? `Prometheus predict_linear over ${p.lookback}` : `least squares over ${p.points} points`) : "no projection";
  parts.push(`<text x="${M.left}" y="${H - 22}" fill="#6b7280">${esc(`size history: ${pts.length} points, ${report.history.note}`.slice(0, 110))}</text>`);
  parts.push(`<text x="${M.left}" y="${H - 6}" fill="#6b7280">${esc(`projection: ${method}; linear scales`)}</text>`);
  parts.push("</svg>");
  return parts.join("\n");
}

