import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processesOfRun, type RunProcess } from "./run-processes.ts";

/** One run directory per vitest process, shared by every project that lists this setup (each project loads it anew). */
interface RunDirectory {
  dir: string;
  previous: string | undefined;
  users: number;
}
const SHARED = Symbol.for("moltsecret.test-run-directory");
const registry = globalThis as { [SHARED]?: RunDirectory };

/** How long processes the run stopped get to finish exiting before they count as left behind. */
const EXIT_GRACE_MS = 5_000;

/**
 * The vitest process itself and its pool (fork workers, and the workerd of the workers pool, all direct children),
 * which vitest closes only after the global teardowns. Processes the tests start are children of the fork workers
 * (or re-parented to init), and a global setup's services are not pool processes: those are all checked.
 */
function runnerProcesses(found: RunProcess[]): Set<number> {
  return new Set([process.pid, ...found.filter((p) => p.ppid === process.pid && /vitest|tinypool|workerd serve/.test(p.command)).map((p) => p.pid)]);
}

const ownGroup = (): number => Number(readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ")[2]);

/** Kills what was left, whole groups, except the runner's own group (a process in it is killed alone). */
function kill(left: RunProcess[]): void {
  const mine = ownGroup();
  const targets = new Set(left.map((p) => (p.pgid === mine ? p.pid : -p.pgid)));
  for (const target of targets) {
    try {
      process.kill(target, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

async function leftBehind(dir: string): Promise<RunProcess[]> {
  const deadline = Date.now() + EXIT_GRACE_MS;
  for (;;) {
    const found = processesOfRun(dir, new Set());
    const runner = runnerProcesses(found);
    const left = found.filter((p) => !runner.has(p.pid));
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Every temporary file the tests make, and every process they start (the CLI, wrangler and workerd, the stand-in),
 * goes under one directory for the run: TMPDIR is set before any other setup runs, so every process started inherits
 * it (also one re-parented to init after its parent died), and os.tmpdir() follows it. When the run ends, failed or
 * not, the run fails if any process that carries that TMPDIR (or works or is named inside the directory) is still
 * alive, listing them (they are then killed, whole groups), or if the directory could not be removed.
 */
export default function setup(): () => Promise<void> {
  const run = (registry[SHARED] ??= { dir: mkdtempSync(join(tmpdir(), "moltsecret-test-run-")), previous: process.env.TMPDIR, users: 0 });
  run.users++;
  process.env.TMPDIR = run.dir;
  return async () => {
    if (--run.users > 0) return;
    delete registry[SHARED];
    if (run.previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = run.previous;
    const left = await leftBehind(run.dir);
    kill(left);
    rmSync(run.dir, { recursive: true, force: true });
    const problems = [
      ...(left.length ? [`${left.length} process(es) of the test run still alive after it ended (now killed):\n${left.map((p) => `  pid ${p.pid} (parent ${p.ppid}, group ${p.pgid}): ${p.command}`).join("\n")}`] : []),
      ...(existsSync(run.dir) ? [`the run's temporary directory ${run.dir} could not be removed`] : []),
    ];
    if (problems.length) {
      // vitest reports an error thrown here but still exits 0: the exit code is set too.
      process.exitCode = 1;
      throw new Error(problems.join("\n"));
    }
  };
}
