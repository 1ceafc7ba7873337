import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { processesOfRun } from "./run-processes.ts";

const dir = mkdtempSync(join(tmpdir(), "run-processes-"));
const started: ChildProcess[] = [];
const start = (env: NodeJS.ProcessEnv, cwd?: string) => {
  const child = spawn("sh", ["-c", "sleep 60 & wait"], { detached: true, stdio: "ignore", env, cwd });
  started.push(child);
  return child.pid!;
};
const stop = (pid: number) => process.kill(-pid, "SIGKILL");
const gone = async (pids: number[]) => {
  for (let i = 0; i < 100 && processesOfRun(dir).some((p) => pids.includes(p.pid)); i++) await new Promise((r) => setTimeout(r, 50));
};

afterAll(() => {
  for (const child of started) if (child.exitCode === null) try { stop(child.pid!); } catch { /* gone */ }
  rmSync(dir, { recursive: true, force: true });
});

describe("processesOfRun: what the run's teardown calls left behind", () => {
  it("finds a run's processes by the TMPDIR they inherited or were given inside it (grandchildren too) or by working inside the directory, and not once they ended", async () => {
    const byEnv = start({ PATH: process.env.PATH, TMPDIR: join(dir, "cli") });
    const byCwd = start({ PATH: process.env.PATH }, dir);
    const other = start({ PATH: process.env.PATH, TMPDIR: `${dir}-other` });
    const deadline = Date.now() + 5_000;
    // Each shell's background sleep (its grandchild of ours) carries the same environment and group.
    while (processesOfRun(dir).length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const found = processesOfRun(dir);
    expect(found.map((p) => p.pgid).sort()).toEqual([byEnv, byEnv, byCwd, byCwd].sort());
    expect(found.map((p) => p.pid)).not.toContain(other);
    expect(found.map((p) => p.pid)).not.toContain(process.pid);
    for (const pid of [byEnv, byCwd, other]) stop(pid);
    await gone(found.map((p) => p.pid));
    expect(processesOfRun(dir)).toEqual([]);
  });
});
