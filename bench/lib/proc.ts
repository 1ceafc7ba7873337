// Linux /proc helpers: find the workerd process under a wrangler, read its resident memory, pin it to CPUs.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, readlinkSync } from "node:fs";
import { cpus } from "node:os";

interface ProcEntry {
  pid: number;
  ppid: number;
  comm: string;
}

function processes(): ProcEntry[] {
  const out: ProcEntry[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // comm is in parentheses and may itself contain spaces or parentheses: split after the last ')'.
      const close = stat.lastIndexOf(")");
      const comm = stat.slice(stat.indexOf("(") + 1, close);
      const ppid = Number(stat.slice(close + 2).split(" ")[1]);
      out.push({ pid: Number(name), ppid, comm });
    } catch {
      // exited while we were listing
    }
  }
  return out;
}

/** All descendants of `root` (children, grandchildren, ...). */
export function descendants(root: number): ProcEntry[] {
  const all = processes();
  const found: ProcEntry[] = [];
  let frontier = [root];
  while (frontier.length) {
    const next = all.filter((p) => frontier.includes(p.ppid));
    found.push(...next);
    frontier = next.map((p) => p.pid);
  }
  return found;
}

export const workerdPids = (root: number): number[] => descendants(root).filter((p) => p.comm === "workerd").map((p) => p.pid);

/** Resident set size in KiB from /proc/PID/status (VmRSS), or NaN once the process is gone. */
export function rssKiB(pid: number): number {
  try {
    const m = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+)\s+kB/m);
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

export const hasTaskset = (): boolean => existsSync("/usr/bin/taskset") || existsSync("/bin/taskset");

/**
 * CPU sets for the Worker and the load generator: on 2+ cores they get disjoint cores so the load
 * generator never steals the Worker's core; null when taskset is missing or there is one core.
 */
export function cpuPlan(): { worker: string; load: string } | null {
  const n = cpus().length;
  if (!hasTaskset() || n < 2) return null;
  return { worker: n > 2 ? `0-${Math.floor(n / 2) - 1}` : "0", load: n > 2 ? `${Math.floor(n / 2)}-${n - 1}` : "1" };
}

/** Pins every thread of `pid` to `cpus` (taskset -a -p -c). */
export function pin(pid: number, cpuList: string): void {
  execFileSync("taskset", ["-a", "-p", "-c", cpuList, String(pid)], { stdio: "ignore" });
}

/** TCP ports a process listens on (from /proc/net/tcp and the process's socket inodes). */
export function listeningPorts(pid: number): number[] {
  let inodes: Set<string>;
  try {
    inodes = new Set(
      readdirSync(`/proc/${pid}/fd`)
        .map((fd) => {
          try {
            return readlinkSync(`/proc/${pid}/fd/${fd}`);
          } catch {
            return "";
          }
        })
        .map((l) => l.match(/^socket:\[(\d+)\]$/)?.[1] ?? "")
        .filter(Boolean),
    );
  } catch {
    return [];
  }
  const ports: number[] = [];
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      // st 0A = LISTEN; local_address is HEXIP:HEXPORT
      if (f[3] === "0A" && inodes.has(f[9] ?? "")) ports.push(parseInt(f[1]!.split(":")[1]!, 16));
    }
  }
  return ports;
}

/** USER_HZ: /proc times are in these ticks per second (100 on every Linux we run on). */
export const CLOCK_TICKS = 100;

/** User + system CPU ticks a process has used so far, or NaN once it is gone. */
export function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(f[11]) + Number(f[12]);
  } catch {
    return NaN;
  }
}
