// `npm run bench`: every comparison of issue 7, side by side in one run, written to docs/BENCHMARKS.md.
//   npm run bench                      full run (under 20 min on 2 quiet cores) -> docs/BENCHMARKS.md + README bench-figures
//   npm run bench -- --quick           ~2 min smoke run              -> .build/bench/BENCHMARKS.md
//   npm run bench -- --only overhead   some comparisons (comma list) -> .build/bench/BENCHMARKS.md
//   options: --rounds N, --no-pin, --out FILE
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { parseArgs } from "node:util";
import { COMPARISONS } from "./comparisons/index.ts";
import { machineInfo, sourceState, versions, watchContention } from "./lib/machine.ts";
import { ROOT } from "./lib/root.ts";
import { cpuPlan } from "./lib/proc.ts";
import { figuresOf, withFigures } from "./lib/readme-figures.ts";
import { writeReport, type SectionOutcome } from "./lib/report.ts";
import { buildVariant, type Built } from "./lib/build.ts";
import { NotMeasurable, type BenchContext, type BuildKind } from "./lib/types.ts";
import { BUILD_SOURCES } from "./lib/variants.ts";
import { startMetricsStore, type MetricsStore } from "./lib/metrics-store.ts";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    rounds: { type: "string" },
    "no-pin": { type: "boolean", default: false },
    out: { type: "string" },
  },
});

const ids = COMPARISONS.map((c) => c.id);
const only = values.only?.split(",").map((s) => s.trim()).filter(Boolean);
const unknown = only?.filter((id) => !ids.includes(id)) ?? [];
if (unknown.length) {
  console.error(`unknown comparison(s): ${unknown.join(", ")}; known: ${ids.join(", ")}`);
  process.exit(2);
}
const selected = COMPARISONS.filter((c) => !only || only.includes(c.id));
const quick = values.quick ?? false;
const rounds = values.rounds ? Number(values.rounds) : quick ? 2 : 5;
const partial = quick || !!only || !!values.rounds;
const out = values.out ?? join(ROOT, partial ? ".build/bench/BENCHMARKS.md" : "docs/BENCHMARKS.md");

// Every temporary directory of the run (builds, Worker state) under one, removed when the process exits, whatever happens.
const runTmp = mkdtempSync(join(tmpdir(), "moltsecret-bench-run-"));
process.env.TMPDIR = runTmp;
process.on("exit", () => rmSync(runTmp, { recursive: true, force: true }));

const startedAt = new Date();
const t0 = performance.now();
const log = (message: string) => console.log(`[bench ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${message}`);
let vm = null as Promise<MetricsStore> | null;
const builds: Partial<Record<BuildKind, Promise<Built>>> = {};
const ctx: BenchContext = {
  quick,
  rounds,
  cpus: values["no-pin"] ? null : cpuPlan(),
  log,
  metricsStore: () => (vm ??= startMetricsStore()),
  build: (kind) => (builds[kind] ??= buildVariant(kind, BUILD_SOURCES[kind].config, BUILD_SOURCES[kind].entry)),
};

const source = sourceState();
// In a full or quick run every bundle is built before the first comparison, so all of them measure the code `source`
// names even if the tree changes during the run (a failed build fails the comparisons that need it).
if (!only) for (const kind of Object.keys(BUILD_SOURCES) as BuildKind[]) await ctx.build(kind).catch(() => undefined);
const contention = watchContention();
const sections: SectionOutcome[] = [];
for (const comparison of selected) {
  const s0 = performance.now();
  log(`== ${comparison.id}: ${comparison.title}`);
  const seconds = () => (performance.now() - s0) / 1000;
  try {
    const result = await comparison.run(ctx);
    sections.push({ id: comparison.id, title: comparison.title, status: "measured", result, seconds: seconds() });
  } catch (error) {
    const notYet = error instanceof NotMeasurable;
    const reason = notYet ? error.message : `${error instanceof Error ? error.message : String(error)}`.slice(0, 2000);
    if (!notYet) console.error(error);
    log(`${comparison.id}: ${notYet ? "not measurable yet" : "FAILED"}: ${reason.split("\n")[0]}`);
    sections.push({ id: comparison.id, title: comparison.title, status: notYet ? "not measurable" : "failed", reason: notYet ? `not measurable yet: ${reason}` : reason, seconds: seconds() });
  }
}
if (vm) await (await vm).stop();

mkdirSync(dirname(out), { recursive: true });
const report = {
  startedAt,
  seconds: (performance.now() - t0) / 1000,
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`,
  options: { quick, rounds, cpus: ctx.cpus },
  machine: machineInfo(),
  versions: versions(),
  source,
  contention: contention.stop(),
  sections,
};
const path = writeReport(report, out);
// A full run also refreshes the README's quoted figures from the file it just wrote: one figure, one run, in both.
if (!partial && !values.out) {
  const readme = join(ROOT, "README.md");
  writeFileSync(readme, withFigures(readFileSync(readme, "utf8"), figuresOf(readFileSync(path, "utf8"))));
  log("wrote README.md (bench-figures block)");
}
mkdirSync(join(ROOT, ".build/bench"), { recursive: true });
writeFileSync(join(ROOT, ".build/bench/results.json"), JSON.stringify(report, null, 2));
log(`wrote ${relative(ROOT, path)}`);
for (const s of sections) for (const t of s.result?.targets ?? []) log(`${t.pass === null ? "NOT MEASURED" : t.pass ? "PASS" : "FAIL"} ${s.id}: ${t.name}: ${t.measured} (wanted ${t.target})`);
