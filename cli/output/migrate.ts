import type { ChalkInstance } from "chalk";
import type { CopyResult } from "../migrate/copy.ts";
import type { MigrationPlan } from "../migrate/plan.ts";
import type { Finding } from "../migrate/scan.ts";
import { markdownTable } from "./markdown.ts";
import { renderTable } from "./table.ts";

const loc = (f: Finding) => `${f.file}:${f.line}`;

function skippedNote(p: MigrationPlan): string {
  const passedOver = p.skipped.filter((k) => k.reason !== "does not use D1");
  return passedOver.length ? `Not D1, so not scanned: ${passedOver.map((k) => `${k.file} (${k.reason})`).join(", ")}.` : "";
}

/** `migrate plan --json`: stable machine output. */
export const planJson = (p: MigrationPlan) => ({
  target: p.target.id, root: p.root, dirs: p.dirs, filesScanned: p.filesScanned, skipped: p.skipped, findings: p.findings,
  patterns: p.groups.map((g) => ({ id: g.pattern.id, title: g.pattern.title, count: g.hits.length, advice: g.pattern.advice[p.target.id] })),
});

export function renderPlanMarkdown(p: MigrationPlan): string {
  const note = skippedNote(p);
  const out = [`# D1-specific SQL patterns to handle for ${p.target.name}`, "", `${p.findings.length} findings in ${p.filesScanned} files that talk to D1 under ${p.dirs.join(", ")}.${note ? ` ${note}` : ""}`, ""];
  for (const g of p.groups) {
    out.push(`## ${g.pattern.title} (${g.hits.length})`, "", `${g.pattern.why}.`, "", `**${p.target.name}:** ${g.pattern.advice[p.target.id]}`, "");
    out.push(markdownTable(["Where", "Code"], g.hits.map((f) => [`\`${loc(f)}\``, `\`${f.text.replace(/`/g, "'")}\``])), "");
  }
  return `${out.join("\n")}\n`;
}

export function renderPlanText(p: MigrationPlan, c: ChalkInstance): string {
  const note = skippedNote(p);
  const out = [`${c.bold(`D1-specific SQL patterns to handle for ${p.target.name}`)}: ${p.findings.length} findings in ${p.filesScanned} files that talk to D1 under ${p.dirs.join(", ")}`];
  if (note) out.push(c.gray(note));
  out.push("");
  for (const g of p.groups) {
    out.push(`${c.bold(g.pattern.title)} (${g.hits.length}): ${g.pattern.why}`);
    out.push(`  ${c.cyan("->")} ${g.pattern.advice[p.target.id]}`);
    out.push(renderTable(["Where", "Code"], g.hits.map((f) => [loc(f), f.text])).split("\n").map((l) => `    ${l}`).join("\n"), "");
  }
  if (p.groups.length === 0) out.push("No D1-specific pattern found.");
  return `${out.join("\n")}\n`;
}

/** `migrate run`: what was copied and whether both sides now hold the same rows. */
export function renderCopyText(r: CopyResult, targetUrl: string, c: ChalkInstance): string {
  return `${[
    r.resumedFrom > 0 ? `Resumed after ${r.resumedFrom} rows already copied (checkpoint in the target).` : "Copied from the start.",
    `Compared ${r.compared} rows; copied ${r.copiedThisRun} new or changed rows and removed ${r.deletedThisRun} the source no longer has, this run (${r.rowsCopied} copied in this pass), to ${targetUrl}.`,
    "",
    renderTable(["Table", "Side", "Rows", "SHA-256"], [
      [r.source.table, "D1 (source)", String(r.source.rows), r.source.sha256],
      [r.target.table, "libSQL (target)", String(r.target.rows), r.target.sha256],
    ]),
    "",
    r.match ? c.green("Verified: row counts and checksums match.") : c.red("MISMATCH: row counts or checksums differ; rerun with --restart."),
  ].join("\n")}\n`;
}

/** The stderr lines of a failed verification. */
export const copyMismatch = (r: CopyResult): string =>
  `moltsecret: verification failed: source ${r.source.rows} rows ${r.source.sha256.slice(0, 12)}, target ${r.target.rows} rows ${r.target.sha256.slice(0, 12)}\nhint: rerun with --restart to copy everything again\n`;
