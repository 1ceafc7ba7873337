import type { CapacityReport } from "../capacity/report.ts";
import type { Trigger } from "../capacity/triggers.ts";
import type { D1Usage } from "../sources/cloudflare-api.ts";
import { D1_LIMITS, D1_SIZE, UNIT } from "../../catalog/index.ts";
import { formatCount, formatMeasured, formatQuantity, formatUsd } from "../../catalog/format.ts";

/** The cells every report format shows, so text, markdown and HTML never disagree. */
export const TRIGGER_HEADERS = ["Trigger", "Status", "Value", "Warning", "Critical", "Message"] as const;

const cell = (v: number | boolean | null, unit: string) => (v === null ? "-" : typeof v === "boolean" ? (v ? "yes" : "no") : formatMeasured(v, unit));
const bytes = (v: number) => formatMeasured(v, "bytes");

export function triggerCells(t: Trigger): [string, string, string, string, string, string] {
  return [t.id, t.status, cell(t.value, t.unit), cell(t.warning, t.unit), cell(t.critical, t.unit), t.message];
}

export function databaseLines(r: CapacityReport): [string, string][] {
  const d = r.database;
  const lines: [string, string][] = [
    ["Source", r.source],
    ["Database", `${d.name} (${d.id || "no id"})`],
    ["Size", `${bytes(d.sizeBytes)} (${d.sizeBytes} bytes; ${r.units.note})`],
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
    ["Growth", `${bytes(p.bytesPerDay)}/day (${Math.round(p.bytesPerDay)} bytes/day; ${p.method === "predict_linear" ? `Prometheus predict_linear over ${p.lookback}, as the MoltsecretMigrationSizeProjection alert` : `least squares over ${p.points} points, ${r.history.note}`})`],
    [`${formatQuantity(D1_SIZE.warning)} warning`, when(p.daysToWarning, p.warningDate)],
    [`${formatQuantity(D1_SIZE.critical)} critical`, when(p.daysToCritical, p.criticalDate)],
    [`${formatQuantity(D1_LIMITS.maxSize)} limit`, when(p.daysToLimit, p.limitDate)],
  ];
}

/** Sources that were asked for and did not answer, and sources that disagree: said before any figure is read. */
export function noteLines(r: CapacityReport): string[] {
  return [
    ...r.unmeasured.map((e) => `Not measured: ${e.message} (${e.affects.join(", ")} unknown)${e.hint ? `; ${e.hint}` : ""}`),
    ...r.warnings.map((w) => `Warning: ${w}`),
  ];
}

export function costLines(r: CapacityReport): string[] {
  // A line whose usage was not measured has no cost to show: "$0.00" beside "not measured" reads as free.
  const unmeasured = new Set(r.cost.unmeasured);
  const lines = r.cost.lines.map((l) => `${l.item}: ${unmeasured.has(l.item) ? "not measured" : formatUsd(l.usd)}`);
  lines.push(`Total: ${formatUsd(r.cost.monthUsd)}/month${r.cost.unmeasured.length ? ` (not measured: ${r.cost.unmeasured.join(", ")})` : ""}`);
  return lines;
}

/** Traffic from Cloudflare's analytics, when that was the source. */
const d1Usage = (x: D1Usage) => `${formatCount(x.readQueries)} read / ${formatCount(x.writeQueries)} write queries; ${formatCount(x.rowsRead)} rows read, ${formatCount(x.rowsWritten)} rows written`;

export function usageLines(r: CapacityReport): [string, string][] {
  const lines: [string, string][] = [];
  const pu = r.prometheusUsage;
  if (pu) lines.push([`D1 24h (Prometheus${pu.environment ? `, ${pu.environment}` : ""})`, d1Usage(pu.d1_24h)]);
  const u = r.usage;
  if (!u) return lines;
  for (const w of ["24h", "7d", "30d"] as const) lines.push([`D1 ${w}${pu ? " (Cloudflare)" : ""}`, d1Usage(u.d1[w])]);
  if (u.peakWriteMinute) lines.push(["Busiest write minute", u.peakWriteMinute]);
  if (u.worker) {
    const w = u.worker;
    lines.push([`Worker ${w.scriptName} 1h`, `${formatCount(w.requests1h)} requests, ${formatCount(w.errors1h)} errors`]);
    lines.push([`Worker ${w.scriptName} 30d`, `${formatCount(w.requests30d)} requests, ${formatCount(w.errors30d)} errors, ${formatMeasured(w.requests30d > 0 ? w.cpuTimeUs30d / w.requests30d / UNIT.msPerSecond : 0, "ms")} CPU per request`]);
  }
  return lines;
}
