// Writes docs/BENCHMARKS.md from the run's sections: everything in it is measured in that run.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { passMark, table, num } from "./format.ts";
import type { Contention, MachineInfo } from "./machine.ts";
import { ROOT } from "./root.ts";
import type { BenchOptions, SectionResult } from "./types.ts";

export interface SectionOutcome {
  id: string;
  title: string;
  /** measured, or why not. */
  status: "measured" | "not measurable" | "failed";
  reason?: string;
  result?: SectionResult;
  seconds: number;
}

export interface Report {
  startedAt: Date;
  seconds: number;
  command: string;
  options: BenchOptions;
  machine: MachineInfo;
  versions: Record<string, string>;
  source: { commit: string; dirty: string[] };
  contention: Contention;
  sections: SectionOutcome[];
}

const GENERAL_METHOD = (o: BenchOptions, m: MachineInfo) => `
- Two ways of running a Worker variant, each with its own temporary D1/KV/Durable Object state and the API's migrations:
  **one workerd** through Miniflare's API (bench/lib/workerd.ts: the bindings of the variant's wrangler config, no inspector
  unless a comparison profiles or reads the heap, the Worker's stdout drained as Workers Logs would take it), used by the
  overhead targets, the profile, startup, memory, CPU per route and the KV comparison; and **\`wrangler dev --local\`**
  (bench/lib/variant-worker.ts: wrangler's proxy workerd in front of the Worker's, its inspector forwarding console lines and
  subrequest events to its Node process), used by the export and D1 comparisons and shown beside the overhead targets as the
  local dev path. Every bundle is built once per run (\`wrangler deploy --dry-run\`) and frozen.
- Load comes from autocannon in a separate Node process (never the orchestrator's event loop, which hosts the OTLP counting
  receiver). Latency percentiles are computed from every 2xx response's own high-resolution time (autocannon's histogram
  rounds to whole milliseconds). Throughput is 2xx responses per second; non-2xx responses are counted and shown.
- Variants are interleaved: round 1 runs A, B, C; round 2 runs B, C, A; and so on, so drift on a shared machine hits all
  variants alike. ${o.rounds} rounds where the spread needs them (the overhead targets, startup); comparisons whose figures
  are counts or sizes use fewer, as each section says. Headline figures are medians over rounds with [min–max]; ratios are
  ratios of medians, with the spread of the per-round ratios beside them (a per-round ratio range that straddles 1.00 means
  no measurable difference).
- CPU placement: ${o.cpus ? `every workerd of the timed comparisons is pinned to CPU ${o.cpus.worker} and the load generator to CPU ${o.cpus.load} with \`taskset\` (the load generator is pinned everywhere; export and memory leave workerd unpinned, as they count bytes and memory, not speed)` : "no pinning (taskset missing, one core, or --no-pin)"}.
- What limits the figures on this ${m.nproc}-core machine: load generator, the Worker's workerd (with the local D1, KV,
  Cache API and Durable Object simulators on its own thread), the Grafana Cloud stand-in and the OTLP receiver share
  ${m.nproc} cores, so absolute requests/s are those of a saturated small box, far below what Cloudflare's edge serves;
  latency under closed-loop load is mostly queueing. Ratios between variants measured in the same rounds are the
  meaningful figures. Under \`wrangler dev\` the proxy hop dilutes any per-request cost of the Worker itself (a ratio there
  is closer to 1.00 than the same cost would be on the edge); the one-workerd figures do not have that dilution.`;

function contentionText(c: Contention): string {
  const others = c.others.length
    ? `Processes not started by the bench seen above 10% of a core, sampled every 10 s (${c.samples} samples; a command counts once per process per sample):\n\n${table(["command", "process-samples", "max % of a core"], c.others.map((o) => [o.command, o.seen, num(o.maxCpu)]))}`
    : "No other process was seen above 10% CPU during the run.";
  const busy = c.othersShare.median >= 10 ? "**The machine was shared: other engineers' builds and tests ran during this run, so absolute figures are depressed and noisier than on an idle machine; the interleaved ratios are the figures to read.**" : "The machine was essentially idle apart from the bench.";
  return `1-minute load average over the run: median ${num(c.loadavg.median)} (min ${num(c.loadavg.min)}, max ${num(c.loadavg.max)}). Processes the bench did not start used a median ${num(c.othersShare.median)}% (max ${num(c.othersShare.max)}%) of the machine's total CPU. ${busy}\n\n${others}`;
}

export function renderReport(r: Report): string {
  const targets = r.sections.flatMap((s) => (s.result?.targets ?? []).map((t) => [s.title, t.name, t.target, t.measured, passMark(t.pass)]));
  const unmeasured = r.sections.filter((s) => s.status !== "measured").map((s) => `- **${s.title}**: ${s.status}: ${s.reason}`);
  const headlines = r.sections.flatMap((s) => s.result?.headlines ?? []).map((h) => `- ${h}`);
  const out = [
    "# Benchmarks",
    "",
    "<!-- Generated by `npm run bench` (bench/run.ts). Do not edit: rerun the bench. -->",
    "",
    `Run ${r.startedAt.toISOString()} with \`${r.command}\` (${r.options.quick ? "**quick smoke run: short loads, fewer rounds; not for conclusions**" : "full run"}), ${num(r.seconds / 60)} minutes.`,
    "",
    "## Summary",
    "",
    ...(headlines.length ? [...headlines, ""] : []),
    targets.length ? table(["comparison", "target", "wanted", "measured", "result"], targets) : "No target could be measured in this run.",
    "",
    ...(unmeasured.length ? ["Not measured in this run:", "", ...unmeasured, ""] : []),
    "## Machine and versions",
    "",
    table(["", ""], [
      ["CPU", `${r.machine.cpuModel}, ${r.machine.nproc} cores (nproc)`],
      ["memory", `${num(r.machine.memoryGiB)} GiB`],
      ["kernel", r.machine.kernel],
      ...Object.entries(r.versions),
      ["code measured", `${r.source.commit}${r.source.dirty.length ? ` plus ${r.source.dirty.length} uncommitted change(s) in worker/, catalog/, migrations/ or configs at build time` : ""}`],
    ]),
    "",
    "## Method",
    GENERAL_METHOD(r.options, r.machine),
    "",
    "## Other load on the machine",
    "",
    contentionText(r.contention),
    "",
  ];
  r.sections.forEach((s, i) => {
    out.push(`## ${i + 1}. ${s.title}`, "");
    if (s.status !== "measured") out.push(`**${s.status}**: ${s.reason}`, "");
    if (s.result) out.push(s.result.body.trim(), "");
    out.push(`_Section time: ${num(s.seconds)} s._`, "");
  });
  return `${out.join("\n").replace(/\n{3,}/g, "\n\n").trim()}\n`;
}

export function writeReport(r: Report, path = join(ROOT, "docs/BENCHMARKS.md")): string {
  writeFileSync(path, renderReport(r));
  return path;
}
