import type { CapacityReport } from "../capacity/report.ts";
import { costLines, databaseLines, projectionLines, TRIGGER_HEADERS, triggerCells, usageLines } from "./capacity-rows.ts";

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
  out.push("## Database", "", markdownTable(["", ""], databaseLines(r)), "");
  out.push("## Migration triggers", "", markdownTable(TRIGGER_HEADERS, r.triggers.map((t) => {
    const cells = triggerCells(t);
    cells[1] = `**${t.status.toUpperCase()}**`;
    return cells;
  })), "");
  out.push("## Growth projection", "", markdownTable(["", ""], projectionLines(r)), "");
  const usage = usageLines(r);
  if (usage.length) out.push("## Usage (Cloudflare analytics)", "", markdownTable(["", ""], usage), "");
  out.push("## Recommendation", "", r.recommendation.summary, "");
  for (const t of r.recommendation.targets) out.push(`${t.rank}. **${t.name}** (${t.fits ? "fits" : "does not fit"}): ${t.reason}`);
  out.push("", "## This month's cost at current usage", "");
  for (const l of costLines(r)) out.push(`- ${l}`);
  out.push("", `_${r.cost.note}_`, "");
  return out.join("\n");
}
