// A process's CPU time in nanoseconds from /proc/<pid>/task/*/schedstat (the scheduler's own accounting), precise
// enough to time one request; /proc/<pid>/stat ticks (10 ms) are not.
import { readFileSync, readdirSync } from "node:fs";

export function cpuNs(pid: number): number {
  let total = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // the thread ended between the listing and the read; its time is lost to both readings alike
    }
  }
  return total;
}
