import type { ChalkInstance } from "chalk";
import { UPTIME } from "../../catalog/index.ts";
import type { CapacityReport } from "../capacity/report.ts";
import { paintStatus } from "../io/color.ts";
import { costLines, databaseLines, noteLines, projectionLines, TRIGGER_HEADERS, triggerCells, usageLines } from "./capacity-rows.ts";
import { pluginLine } from "./plugin-line.ts";
import { renderTable } from "./table.ts";

const kv = (c: ChalkInstance, rows: [string, string][]) => {
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${c.bold(k.padEnd(w))}  ${v}`).join("\n");
};

export function renderCapacityText(r: CapacityReport, c: ChalkInstance): string {
  const out: string[] = [pluginLine(r), ""];
  out.push(`${c.bold("MoltSecret capacity")}: ${paintStatus(c, r.status)}  (${r.generatedAt})`, "");
  const notes = noteLines(r);
  if (notes.length) out.push(...notes.map((n) => c.yellow(n)), "");
  out.push(kv(c, databaseLines(r)), "");
  const table = (rows: CapacityReport["triggers"]) => renderTable(TRIGGER_HEADERS, rows.map((t) => {
    const cells = triggerCells(t);
    cells[1] = paintStatus(c, t.status);
    return cells;
  }), ["l", "l", "r", "r", "r", "l"]);
  out.push(c.bold("Migration triggers (Recommendation 1): the verdict and the exit code"), table(r.triggers), "");
  out.push(c.bold(`Service health: ${r.health.status.toUpperCase()} (${r.health.note})`), table(r.health.checks), "");
  out.push(c.bold("Growth projection"), kv(c, projectionLines(r)), "");
  const usage = usageLines(r);
  if (usage.length) out.push(c.bold("Usage"), kv(c, usage), "");
  out.push(c.bold("Recommendation"), r.recommendation.summary);
  for (const t of r.recommendation.targets) out.push(`  ${t.rank}. ${t.name}: ${t.fits ? c.green("fits") : c.red("does not fit")}: ${t.reason}`);
  out.push("", c.bold("This month's cost at current usage"));
  for (const l of costLines(r)) out.push(`  ${l}`);
  out.push(`  ${c.gray(r.cost.note)}`);
  out.push("", `${c.bold("Uptime")}: moltsecret uptime status (external probes of ${UPTIME.healthPath}; runbook alerts/runbooks/uptime.md)`);
  return `${out.join("\n")}\n`;
}
