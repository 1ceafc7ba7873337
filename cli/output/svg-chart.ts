import { MIGRATION } from "../../catalog/index.ts";
import type { CapacityReport } from "../capacity/report.ts";
import { DAY_MS, formatBytes, isoDate } from "../units.ts";

const W = 920;
const H = 440;
const M = { left: 90, right: 170, top: 24, bottom: 48 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const fmt = (n: number) => n.toFixed(1);

/**
 * Size history and its least-squares projection against the 5/8/10 GB lines. The y axis is logarithmic so a
 * database of a few MB and the 10 GB limit fit on one chart; the straight-line projection bends accordingly.
 */
export function renderSizeChart(report: CapacityReport): string {
  const now = Date.parse(report.generatedAt);
  const pts = report.history.points;
  const p = report.projection;
  const th = [
    { bytes: report.thresholds.warningBytes, label: "warning", color: "#d97706" },
    { bytes: report.thresholds.criticalBytes, label: "critical", color: "#dc2626" },
    { bytes: report.thresholds.limitBytes, label: "D1 limit", color: "#7f1d1d" },
  ];
  const start = Math.min(pts[0]?.t ?? now - 7 * DAY_MS, now - DAY_MS);
  const aheadDays = p?.daysToLimit != null ? Math.min(Math.max(p.daysToLimit * 1.1, MIGRATION.projectionHorizon.value), 730) : MIGRATION.projectionHorizon.value;
  const end = now + aheadDays * DAY_MS;
  const maxBytes = Math.max(report.thresholds.limitBytes * 2, ...pts.map((x) => x.bytes), report.database.sizeBytes);
  const minData = Math.min(...pts.map((x) => x.bytes).filter((b) => b > 0), report.database.sizeBytes || 1e6);
  const yLo = 10 ** Math.floor(Math.log10(Math.max(1, minData / 2)));
  const yHi = 10 ** Math.ceil(Math.log10(maxBytes));
  const x = (t: number) => M.left + ((t - start) / (end - start)) * PW;
  const y = (b: number) => M.top + PH - ((Math.log10(Math.max(b, yLo)) - Math.log10(yLo)) / (Math.log10(yHi) - Math.log10(yLo))) * PH;

  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="D1 size history and projection" font-family="system-ui, sans-serif" font-size="12">`);
  parts.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="#ffffff"/>`);
  for (let d = yLo; d <= yHi; d *= 10) {
    parts.push(`<line x1="${M.left}" x2="${M.left + PW}" y1="${fmt(y(d))}" y2="${fmt(y(d))}" stroke="#e5e7eb"/>`);
    parts.push(`<text x="${M.left - 8}" y="${fmt(y(d) + 4)}" text-anchor="end" fill="#374151">${esc(formatBytes(d))}</text>`);
  }
  const ticks = 6;
  for (let i = 0; i <= ticks; i++) {
    const t = start + ((end - start) * i) / ticks;
    parts.push(`<line x1="${fmt(x(t))}" x2="${fmt(x(t))}" y1="${M.top}" y2="${M.top + PH}" stroke="#f3f4f6"/>`);
    parts.push(`<text x="${fmt(x(t))}" y="${M.top + PH + 18}" text-anchor="middle" fill="#374151">${isoDate(t)}</text>`);
  }
  parts.push(`<rect x="${M.left}" y="${M.top}" width="${PW}" height="${PH}" fill="none" stroke="#9ca3af"/>`);
  parts.push(`<line x1="${fmt(x(now))}" x2="${fmt(x(now))}" y1="${M.top}" y2="${M.top + PH}" stroke="#6b7280" stroke-dasharray="2 3"/>`);
  parts.push(`<text x="${fmt(x(now) + 4)}" y="${M.top + 14}" fill="#6b7280">now</text>`);
  // 8 and 10 GB are a few pixels apart on a log axis: spread the labels, keep each near its line.
  const labelYs = spread(th.map((t) => y(t.bytes) + 4), 15);
  th.forEach((t, i) => {
    parts.push(`<line x1="${M.left}" x2="${M.left + PW}" y1="${fmt(y(t.bytes))}" y2="${fmt(y(t.bytes))}" stroke="${t.color}" stroke-width="2" stroke-dasharray="8 4"/>`);
    parts.push(`<text x="${M.left + PW + 6}" y="${fmt(labelYs[i]!)}" fill="${t.color}" font-weight="bold">${esc(`${formatBytes(t.bytes)} ${t.label}`)}</text>`);
  });
  if (p) {
    const fitted = (t: number) => p.fittedBytesNow + (p.bytesPerDay * (t - now)) / DAY_MS;
    const samples: string[] = [];
    for (let i = 0; i <= 120; i++) {
      const t = start + ((end - start) * i) / 120;
      const b = fitted(t);
      if (b > 0) samples.push(`${fmt(x(t))},${fmt(y(Math.min(b, yHi)))}`);
    }
    if (samples.length > 1) parts.push(`<polyline points="${samples.join(" ")}" fill="none" stroke="#2563eb" stroke-width="2" stroke-dasharray="6 4"/>`);
    parts.push(`<text x="${M.left + PW + 6}" y="${M.top + PH - 20}" fill="#2563eb">projection</text>`);
    parts.push(`<text x="${M.left + PW + 6}" y="${M.top + PH - 6}" fill="#2563eb">${esc(`${formatBytes(p.bytesPerDay)}/day`)}</text>`);
  }
  if (pts.length > 1) parts.push(`<polyline points="${pts.map((q) => `${fmt(x(q.t))},${fmt(y(q.bytes))}`).join(" ")}" fill="none" stroke="#111827" stroke-width="2"/>`);
  for (const q of pts) parts.push(`<circle cx="${fmt(x(q.t))}" cy="${fmt(y(q.bytes))}" r="3" fill="#111827"><title>${esc(`${q.date}: ${formatBytes(q.bytes)}`)}</title></circle>`);
  parts.push(`<circle cx="${fmt(x(now))}" cy="${fmt(y(report.database.sizeBytes))}" r="5" fill="#16a34a"><title>${esc(`now: ${formatBytes(report.database.sizeBytes)}`)}</title></circle>`);
  parts.push(`<text x="${M.left}" y="${H - 8}" fill="#6b7280">${esc(`size history (${pts.length} points, ${report.history.note}); log scale, 1 GB = 10^9 bytes`)}</text>`);
  parts.push("</svg>");
  return parts.join("\n");
}

/** Moves label positions apart by at least `gap` pixels, preserving their order. */
function spread(ys: number[], gap: number): number[] {
  const order = ys.map((v, i) => ({ v, i })).sort((a, b) => b.v - a.v);
  for (let k = 1; k < order.length; k++) {
    if (order[k - 1]!.v - order[k]!.v < gap) order[k]!.v = order[k - 1]!.v - gap;
  }
  const out = [...ys];
  for (const o of order) out[o.i] = o.v;
  return out;
}
