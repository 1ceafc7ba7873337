// What the figures were taken on: machine, versions, and what else was using the CPU meanwhile.
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { ROOT } from "./root.ts";
import { CLOCK_TICKS, cpuTicks, descendants } from "./proc.ts";
import { median } from "./stats.ts";
import { WRANGLER } from "./variant-worker.ts";

export interface MachineInfo {
  cpuModel: string;
  nproc: number;
  memoryGiB: number;
  kernel: string;
}

export function machineInfo(): MachineInfo {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  return {
    cpuModel: cpuinfo.match(/^model name\s*:\s*(.+)$/m)?.[1]?.trim() ?? cpus()[0]?.model ?? "unknown",
    nproc: cpus().length,
    memoryGiB: totalmem() / 2 ** 30,
    kernel: readFileSync("/proc/sys/kernel/osrelease", "utf8").trim(),
  };
}

/** Versions of the runtime and of the packages whose code runs in the measured paths, from package-lock.json. */
export function versions(): Record<string, string> {
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { version?: string }> };
  const pkg = (name: string) => lock.packages[`node_modules/${name}`]?.version ?? "absent";
  let workerd = pkg("workerd");
  try {
    workerd = `${workerd} (${execFileSync(join(ROOT, "node_modules/.bin/workerd"), ["--version"], { encoding: "utf8" }).trim()})`;
  } catch {
    // version from the lock file only
  }
  let wrangler = pkg("wrangler");
  try {
    wrangler = execFileSync(WRANGLER, ["--version"], { encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } }).trim().split("\n").pop() ?? wrangler;
  } catch {
    // version from the lock file only
  }
  return {
    node: process.version,
    wrangler,
    workerd,
    miniflare: pkg("miniflare"),
    autocannon: pkg("autocannon"),
    hono: pkg("hono"),
    "drizzle-orm": pkg("drizzle-orm"),
    "@microlabs/otel-cf-workers": pkg("@microlabs/otel-cf-workers"),
    "@opentelemetry/sdk-metrics": pkg("@opentelemetry/sdk-metrics"),
    "@opentelemetry/otlp-transformer": pkg("@opentelemetry/otlp-transformer"),
  };
}

export interface Contention {
  samples: number;
  loadavg: { min: number; median: number; max: number };
  /** Share of the whole machine's CPU (all cores) used by processes the bench did not start, per sample. */
  othersShare: { median: number; max: number };
  /** Other processes (not started by the bench) seen above 10% CPU, by command, with how often. */
  others: { command: string; seen: number; maxCpu: number }[];
}

function commandOf(pid: number): string {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    const interesting = args.find((a, i) => i > 0 && /\.(m?[jt]s|yaml)$|^(test|run|vitest|tsc)$/.test(a)) ?? "";
    return `${args[0]?.split("/").pop() ?? "?"} ${interesting.split("/").slice(-2).join("/")}`.trim();
  } catch {
    return "?";
  }
}

/** Samples every `everyMs` what else uses the CPU (per-process tick deltas), until stop(). */
export function watchContention(everyMs = 10_000): { stop(): Contention } {
  const loads: number[] = [];
  const shares: number[] = [];
  const seen = new Map<string, { seen: number; maxCpu: number }>();
  let last = new Map<number, number>();
  let lastAt = Date.now();
  const snapshot = () => {
    const now = new Map<number, number>();
    for (const name of readdirSync("/proc")) if (/^\d+$/.test(name)) now.set(Number(name), cpuTicks(Number(name)));
    return now;
  };
  last = snapshot();
  const timer = setInterval(() => {
    loads.push(loadavg()[0]!);
    const mine = new Set(descendants(process.pid).map((p) => p.pid).concat(process.pid));
    const now = snapshot();
    const seconds = (Date.now() - lastAt) / 1000;
    let othersPct = 0;
    for (const [pid, ticks] of now) {
      if (mine.has(pid)) continue;
      const before = last.get(pid);
      if (before === undefined || !Number.isFinite(ticks)) continue;
      const pct = ((ticks - before) / CLOCK_TICKS / seconds) * 100;
      othersPct += pct;
      if (pct < 10) continue;
      const cmd = commandOf(pid);
      const s = seen.get(cmd) ?? { seen: 0, maxCpu: 0 };
      s.seen++;
      s.maxCpu = Math.max(s.maxCpu, pct);
      seen.set(cmd, s);
    }
    shares.push(othersPct / cpus().length);
    last = now;
    lastAt = Date.now();
  }, everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      const sorted = [...loads].sort((a, b) => a - b);
      return {
        samples: loads.length,
        loadavg: { min: sorted[0] ?? NaN, median: sorted[Math.floor(sorted.length / 2)] ?? NaN, max: sorted[sorted.length - 1] ?? NaN },
        othersShare: { median: median(shares), max: shares.length ? Math.max(...shares) : NaN },
        others: [...seen].map(([command, s]) => ({ command, ...s })).sort((a, b) => b.seen - a.seen).slice(0, 12),
      };
    },
  };
}

/** The commit the bundles were built from, and uncommitted changes in the measured code at that moment. */
export function sourceState(): { commit: string; dirty: string[] } {
  const git = (...args: string[]) => {
    try {
      return execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
    } catch {
      return "";
    }
  };
  return {
    commit: git("log", "-1", "--format=%h %s").slice(0, 120) || "unknown (not a git checkout)",
    dirty: git("status", "--porcelain", "--", "worker", "catalog", "migrations", "wrangler.toml", "bench/variants").split("\n").filter(Boolean),
  };
}
