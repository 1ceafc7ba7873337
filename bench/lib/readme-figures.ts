// The README's benchmark figures, copied from docs/BENCHMARKS.md of the same run: one figure, one run, cited in both.
// `npm run bench` (a full run) rewrites both files; bench/lib/readme-figures.node.test.ts checks they still agree.

export const FIGURES_START = "<!-- bench-figures:start (written by `npm run bench` from the run in docs/BENCHMARKS.md; do not edit) -->";
export const FIGURES_END = "<!-- bench-figures:end -->";

/** Summary headlines the README quotes, by how they begin (bench/comparisons/*.ts write them). */
const QUOTED = ["Overhead in one workerd", "Telemetry CPU per request", "Bundle:", "Startup in one workerd", "Overhead under wrangler dev"];

/** The README block for a docs/BENCHMARKS.md: its run line and the quoted headlines, verbatim. */
export function figuresOf(benchmarks: string): string {
  const run = benchmarks.split("\n").find((l) => l.startsWith("Run "));
  const summary = benchmarks.split("\n## Summary\n")[1]?.split("\n## ")[0] ?? "";
  const headlines = summary.split("\n").filter((l) => QUOTED.some((q) => l.startsWith(`- ${q}`)));
  return [
    `From docs/BENCHMARKS.md: ${run ?? "(no run line)"}`,
    "",
    ...(headlines.length ? headlines : ["- (docs/BENCHMARKS.md has none of the quoted figures: rerun `npm run bench`)"]),
  ].join("\n");
}

/** `readme` with its bench-figures block replaced by `figures`. */
export function withFigures(readme: string, figures: string): string {
  const start = readme.indexOf(FIGURES_START);
  const end = readme.indexOf(FIGURES_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${FIGURES_START} ... ${FIGURES_END} block`);
  return `${readme.slice(0, start + FIGURES_START.length)}\n${figures}\n${readme.slice(end)}`;
}

/** What the README's block says now. */
export function quotedFigures(readme: string): string {
  const start = readme.indexOf(FIGURES_START);
  const end = readme.indexOf(FIGURES_END);
  if (start < 0 || end < start) return "";
  return readme.slice(start + FIGURES_START.length, end).trim();
}
