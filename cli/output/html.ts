import type { CapacityReport } from "../capacity/report.ts";
import { costLines, databaseLines, noteLines, projectionLines, TRIGGER_HEADERS, triggerCells, usageLines } from "./capacity-rows.ts";
import { renderSizeChart } from "./svg-chart.ts";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const table = (headers: readonly string[], rows: readonly (readonly string[])[], statusCol = -1) =>
  `<table><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c, i) => (i === statusCol ? `<td><span class="badge ${esc(c)}">${esc(c.toUpperCase())}</span></td>` : `<td>${esc(c)}</td>`)).join("")}</tr>`)
    .join("")}</tbody></table>`;

const kvTable = (rows: readonly (readonly [string, string])[]) =>
  `<table class="kv"><tbody>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join("")}</tbody></table>`;

const CSS = `body{font-family:system-ui,sans-serif;margin:24px;color:#111827;max-width:1100px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #e5e7eb;padding:4px 8px;text-align:left;font-size:13px;vertical-align:top}
th{background:#f9fafb}.badge{padding:1px 6px;border-radius:4px;font-weight:600;font-size:12px}
.ok{background:#dcfce7;color:#166534}.warning{background:#fef3c7;color:#92400e}.critical{background:#fee2e2;color:#991b1b}.unknown{background:#f3f4f6;color:#4b5563}
.note{color:#6b7280;font-size:12px}.warn{background:#fef3c7;border-left:4px solid #d97706;padding:6px 10px;font-size:14px}`;

/** A self-contained page (inline CSS and SVG, no scripts or network) for mail, wikis and CI artifacts. */
export function renderCapacityHtml(r: CapacityReport): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>MoltSecret capacity: ${esc(r.status.toUpperCase())}</title><style>${CSS}</style></head>
<body>
<h1>MoltSecret capacity <span class="badge ${esc(r.status)}">${esc(r.status.toUpperCase())}</span></h1>
<p class="note">Generated ${esc(r.generatedAt)} from the ${esc(r.source)} source. ${esc(r.units.note)}.</p>
${noteLines(r).map((n) => `<p class="warn">${esc(n)}</p>`).join("\n")}
<h2>Size history and projection</h2>
${renderSizeChart(r)}
<h2>Database</h2>
${kvTable(databaseLines(r))}
<h2>Migration triggers (Recommendation 1)</h2>
${table(TRIGGER_HEADERS, r.triggers.map(triggerCells), 1)}
<h2>Service health: ${esc(r.health.status.toUpperCase())}</h2>
<p class="note">${esc(r.health.note)}.</p>
${table(TRIGGER_HEADERS, r.health.checks.map(triggerCells), 1)}
<h2>Growth projection</h2>
${kvTable(projectionLines(r))}
${usageLines(r).length ? `<h2>Usage</h2>\n${kvTable(usageLines(r))}` : ""}
<h2>Recommendation</h2>
<p>${esc(r.recommendation.summary)}</p>
<ol>${r.recommendation.targets.map((t) => `<li><b>${esc(t.name)}</b> (${t.fits ? "fits" : "does not fit"}): ${esc(t.reason)}</li>`).join("")}</ol>
<h2>This month's cost at current usage</h2>
<ul>${costLines(r).map((l) => `<li>${esc(l)}</li>`).join("")}</ul>
<p class="note">${esc(r.cost.note)}</p>
</body></html>
`;
}
