// Number and table formatting for the generated markdown.
import type { Summary } from "./stats.ts";

/** Three significant digits, thousands separated; "n/a" for missing figures. */
export function num(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return "n/a";
  if (x === 0) return "0";
  const abs = Math.abs(x);
  if (abs >= 10 ** digits) return Math.round(x).toLocaleString("en-US");
  return Number(x.toPrecision(digits)).toLocaleString("en-US", { maximumFractionDigits: 6 });
}

export const ratio = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(2)}x` : "n/a");

/** "median [min-max]" */
export const spread = (s: Summary, f: (x: number) => string = (x) => num(x)): string =>
  s.n === 0 ? "n/a" : s.n === 1 ? f(s.median) : `${f(s.median)} [${f(s.min)}–${f(s.max)}]`;

export const kib = (bytes: number): string => `${num(bytes / 1024)} KiB`;

export function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.map((c) => String(c).replace(/\|/g, "\\|")).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

export const passMark = (pass: boolean | null): string => (pass === null ? "NOT MEASURED" : pass ? "PASS" : "FAIL");
