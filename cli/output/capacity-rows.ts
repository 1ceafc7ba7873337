import type { CapacityReport } from "../capacity/report.ts";
import type { Trigger } from "../capacity/triggers.ts";
import { formatBytes, formatCount, formatUsd, formatValue } from "../units.ts";

/** The cells every report format shows, so text, markdown and HTML never disagree. */
export const TRIGGER_HEADERS = ["Trigger", "Status", "Value", "Warning", "Critical", "Message"] as const;

const cell = (v: number | boolean | null, unit: string) => (v === null ? "-" : formatValue(v, unit));

export function triggerCells(t: Trigger): [string, string, string, string, string, string] {
  return [t.id, t.status, cell(t.value, t.unit), cell(t.warning, t.unit), cell(t.critical, t.unit), t.message];
}

export function databaseLines(r: CapacityReport): [string, string][] {
  const d = r.database;
  const lines: [string, string][] = [
    ["Source", r.source],
    ["Database", `${d.name} (${d.id || "no id"})`],
    ["Size", `${formatBytes(d.sizeBytes)} (${d.sizeBytes} bytes; ${r.units.note})`],
    ["Tables", String(d.numTables)],
    ["Rows", d.rows === null ? "n/a" : `${formatCount(d.rows)} (${d.rows})`],
  ];
  if (d.tables) for (const t of d.tables) lines.push([`  ${t.name}`, `${t.rows} ${t.rows === 1 ? "row" : "rows"}`]);
  return lines;
}

export function projectionLines(r: CapacityReport): [string, string][] {
  const p = r.projection;
  if (!p) return [["Projection", `none: needs 2+ size points with distinct dates (have ${r.history.points.length}; ${r.history.note})`]];
  const when = (days: number | null, date: string | null) => (days === null ? "never at this rate" : days === 0 ? "already reached" : `in ${days.toFixed(1)} days (${date})`);
  return [
    ["Growth", `${formatBytes(p.bytesPerDay)}/day (${Math.round(p.bytesPerDay)} bytes/day; least squares over ${p.points} points, ${r.history.note})`],
    ["5 GB warning", when(p.daysToWarning, p.warningDate)],
    ["8 GB critical", when(p.daysToCritical, p.criticalDate)],
    ["10 GB limit", when(p.daysToLimit, p.limitDate)],
  ];
}

export function costLines(r: CapacityReport): string[] {
  const lines = r.cost.lines.map((l) => `${l.item}: ${formatUsd(l.usd)}`);
  lines.push(`Total: ${formatUsd(r.cost.monthUsd)}/month${r.cost.unmeasured.length ? ` (not measured: ${r.cost.unmeasured.join(", ")})` : ""}`);
  return lines;
}

/** Traffic from Cloudflare's analytics, when that was the source. */
export function usageLines(r: CapacityReport): [string, string][] {
  const u = r.usage;
  if (!u) return [];
  const lines: [string, string][] = (["24h", "7d", "30d"] as const).map((w) => {
    const x = u.d1[w];
    return [`D1 ${w}`, `${formatCount(x.readQueries)} read / ${formatCount(x.writeQueries)} write queries; ${formatCount(x.rowsRead)} rows read, ${formatCount(x.rowsWritten)} rows written`];
  });
  if (u.peakWriteMinute) lines.push(["Busiest write minute", u.peakWriteMinute]);
  if (u.worker) {
    const w = u.worker;
    lines.push([`Worker ${w.scriptName} 1h`, `${formatCount(w.requests1h)} requests, ${formatCount(w.errors1h)} errors`]);
    lines.push([`Worker ${w.scriptName} 30d`, `${formatCount(w.requests30d)} requests, ${formatCount(w.errors30d)} errors, ${(w.requests30d > 0 ? w.cpuTimeUs30d / w.requests30d / 1000 : 0).toFixed(2)} ms CPU per request`]);
  }
  return lines;
}
