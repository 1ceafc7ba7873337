import type { ChalkInstance } from "chalk";
import type { CapacityReport } from "../capacity/report.ts";
import { paintStatus } from "./color.ts";
import { costLines, databaseLines, projectionLines, TRIGGER_HEADERS, triggerCells, usageLines } from "./capacity-rows.ts";
import { renderTable } from "./table.ts";

const kv = (c: ChalkInstance, rows: [string, string][]) => {
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${c.bold(k.padEnd(w))}  ${v}`).join("\n");
};

export function renderCapacityText(r: CapacityReport, c: ChalkInstance): string {
  const out: string[] = [];
  out.push(`${c.bold("MoltSecret capacity")}: ${paintStatus(c, r.status)}  (${r.generatedAt})`, "");
  out.push(kv(c, databaseLines(r)), "");
  out.push(c.bold("Migration triggers (Recommendation 1)"));
  out.push(renderTable(TRIGGER_HEADERS, r.triggers.map((t) => {
    const cells = triggerCells(t);
    cells[1] = paintStatus(c, t.status);
    return cells;
  }), ["l", "l", "r", "r", "r", "l"]), "");
  out.push(c.bold("Growth projection"), kv(c, projectionLines(r)), "");
  const usage = usageLines(r);
  if (usage.length) out.push(c.bold("Usage (Cloudflare analytics)"), kv(c, usage), "");
  out.push(c.bold("Recommendation"), r.recommendation.summary);
  for (const t of r.recommendation.targets) out.push(`  ${t.rank}. ${t.name}: ${t.fits ? c.green("fits") : c.red("does not fit")}: ${t.reason}`);
  out.push("", c.bold("This month's cost at current usage"));
  for (const l of costLines(r)) out.push(`  ${l}`);
  out.push(`  ${c.gray(r.cost.note)}`);
  return `${out.join("\n")}\n`;
}
