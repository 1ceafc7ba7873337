import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** A live process that belongs to a test run: started with its TMPDIR, or working or named inside its directory. */
export interface RunProcess {
  pid: number;
  ppid: number;
  pgid: number;
  command: string;
}

const read = (path: string): string | null => {
  try {
    return readFileSync(path, "latin1");
  } catch {
    return null; // gone, or not ours to read
  }
};

/** Fields after the command name in /proc/<pid>/stat: state, ppid, pgrp, ... (the name may hold spaces and parens). */
const statFields = (stat: string): string[] => stat.slice(stat.lastIndexOf(")") + 2).split(" ");

/**
 * Every live process (zombies excluded: they have ended) whose environment has TMPDIR at or inside `runDir` (all
 * processes a run starts inherit it, and so do theirs, also once re-parented to init), or whose command line or working
 * directory is inside `runDir`; minus `exclude` (the test runner itself).
 */
export function processesOfRun(runDir: string, exclude: ReadonlySet<number> = new Set([process.pid])): RunProcess[] {
  const out: RunProcess[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (exclude.has(pid)) continue;
    const stat = read(`/proc/${pid}/stat`);
    if (!stat) continue;
    const [state, ppid, pgid] = statFields(stat);
    if (state === "Z" || state === "X") continue;
    const environ = read(`/proc/${pid}/environ`) ?? "";
    const command = (read(`/proc/${pid}/cmdline`) ?? "").split("\0").filter(Boolean).join(" ");
    let cwd = "";
    try {
      cwd = readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      // not ours to read
    }
    const inRun = (p: string) => p === runDir || p.startsWith(`${runDir}/`);
    // A child may be handed its own TMPDIR inside the run's (the CLI tests do): still the run's.
    const tmp = environ.split("\0").find((v) => v.startsWith("TMPDIR="))?.slice("TMPDIR=".length) ?? "";
    if (inRun(tmp) || command.includes(runDir) || inRun(cwd)) {
      out.push({ pid, ppid: Number(ppid), pgid: Number(pgid), command: command.slice(0, 200) });
    }
  }
  return out;
}
