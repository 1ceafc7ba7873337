import type { CapacityReport } from "../capacity/report.ts";
import { costLines, databaseLines, noteLines, projectionLines, TRIGGER_HEADERS, triggerCells, usageLines } from "./capacity-rows.ts";

const escCell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  return [
    `| ${headers.map(escCell).join(" | ")} |`,
    `| ${headers.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(escCell).join(" | ")} |`),
  ].join("\n");
}

export function renderCapacityMarkdown(r: CapacityReport): string {
  const out: string[] = [];
  out.push(`# MoltSecret capacity: ${r.status.toUpperCase()}`, "", `Generated ${r.generatedAt}. ${r.units.note}.`, "");
  for (const n of noteLines(r)) out.push(`> ${n}`, "");
  out.push("## Database", "", markdownTable(["", ""], databaseLines(r)), "");
  const table = (rows: CapacityReport["triggers"]) => markdownTable(TRIGGER_HEADERS, rows.map((t) => {
    const cells = triggerCells(t);
    cells[1] = `**${t.status.toUpperCase()}**`;
    return cells;
  }));
  out.push("## Migration triggers", "", table(r.triggers), "");
  out.push(`## Service health: ${r.health.status.toUpperCase()}`, "", `${r.health.note}.`, "", table(r.health.checks), "");
  out.push("## Growth projection", "", markdownTable(["", ""], projectionLines(r)), "");
  const usage = usageLines(r);
  if (usage.length) out.push("## Usage", "", markdownTable(["", ""], usage), "");
  out.push("## Recommendation", "", r.recommendation.summary, "");
  for (const t of r.recommendation.targets) out.push(`${t.rank}. **${t.name}** (${t.fits ? "fits" : "does not fit"}): ${t.reason}`);
  out.push("", "## This month's cost at current usage", "");
  for (const l of costLines(r)) out.push(`- ${l}`);
  out.push("", `_${r.cost.note}_`, "");
  return out.join("\n");
}
