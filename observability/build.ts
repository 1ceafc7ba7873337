// Writes dashboards/generated and alerts/generated from the TypeScript builders (and so from catalog/).
// Usage: npm run build:observability [-- --out DIR] (DIR defaults to the repository root).
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ALERTS_OUT, alertFiles } from "../alerts/generate.ts";
import { DASHBOARDS_OUT, dashboardFiles } from "../dashboards/generate.ts";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export function observabilityFiles(): Record<string, string> {
  return { ...dashboardFiles(), ...alertFiles() };
}

/** Writes every generated file under `root`, removing stale ones first; returns the relative paths written. */
export function writeObservability(root: string = ROOT, only?: "dashboards" | "alerts"): string[] {
  const files = only === "dashboards" ? dashboardFiles() : only === "alerts" ? alertFiles() : observabilityFiles();
  const dirs = only === "dashboards" ? [DASHBOARDS_OUT] : only === "alerts" ? [ALERTS_OUT] : [DASHBOARDS_OUT, ALERTS_OUT];
  for (const dir of dirs) rmSync(join(root, dir), { recursive: true, force: true });
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return Object.keys(files).sort();
}

/** Relative paths of every file under a generated folder (for the up-to-date check). */
export function listGenerated(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else out.push(child);
    }
  };
  for (const dir of [DASHBOARDS_OUT, ALERTS_OUT]) walk(dir);
  return out.sort();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outIndex = process.argv.indexOf("--out");
  const root = outIndex > 0 ? resolve(process.argv[outIndex + 1] ?? ROOT) : ROOT;
  const written = writeObservability(root);
  console.log(`wrote ${written.length} files under ${root}:\n  ${written.join("\n  ")}`);
}
