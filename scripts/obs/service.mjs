// Start a local backend process on 127.0.0.1 in its own process group, wait until it answers, and end the whole
// group (the process and everything it spawned, e.g. wrangler's workerd) on stop, on stopAllServices(), and when
// this Node process exits.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createServer } from "node:net";
import { httpStatus, pollUntil } from "../lib/poll.mjs";

/** A free TCP port on 127.0.0.1, chosen by the OS. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** True while any process of the group `pgid` is alive. */
export function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}

const signalGroup = (pgid, signal) => {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
};

/** Services started by this process and not yet stopped, and run directories not yet removed. */
const live = new Set();
const runDirectories = new Set();
process.once("exit", () => {
  // Synchronous last resort (a test timed out, a hook threw): no group outlives the process that started it.
  for (const service of live) signalGroup(service.pid, "SIGKILL");
  for (const dir of runDirectories) rmSync(dir, { recursive: true, force: true });
});

/**
 * Stops every service this process started and has not stopped yet, and removes their run directories (e.g. in
 * afterAll after a beforeAll timed out half-way).
 */
export async function stopAllServices() {
  await Promise.all([...live].map((s) => s.stop()));
  for (const dir of runDirectories) rmSync(dir, { recursive: true, force: true });
  runDirectories.clear();
}

function waitUntilReady(url, child, name, timeoutMs, output) {
  const answered = async () => {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} before it was ready:\n${output.join("").slice(-2000)}`);
    const status = await httpStatus(url, { timeoutMs: 1000 });
    return status !== null && status >= 200 && status < 300;
  };
  return pollUntil(answered, { timeoutMs, what: `${name} ready at ${url}`, detail: () => output.join("").slice(-2000) });
}

/**
 * Spawns `cmd args` as the leader of a new process group, resolves when `readyUrl` answers 2xx. `stop()` sends
 * SIGTERM to the group, then SIGKILL after 5 s, and resolves once no process of the group is left.
 * Output is kept (last lines) for error messages; pass `inherit: true` to show it.
 */
export async function startService({ name, cmd, args = [], readyUrl, timeoutMs = 15_000, env, cwd, inherit = false }) {
  const output = [];
  const child = spawn(cmd, args, { cwd, detached: true, env: { ...process.env, ...env }, stdio: ["ignore", inherit ? "inherit" : "pipe", inherit ? "inherit" : "pipe"] });
  const keep = (chunk) => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  await new Promise((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", reject);
  });
  const pgid = child.pid;
  let stopping;
  const stop = () =>
    (stopping ??= (async () => {
      const gone = () => !groupAlive(pgid);
      signalGroup(pgid, "SIGTERM");
      await pollUntil(gone, { timeoutMs: 5000, everyMs: 50 }).catch(() => signalGroup(pgid, "SIGKILL"));
      // Bounded: an orphan killed by SIGKILL is gone, but a PID 1 that never reaps would keep its zombie listed.
      await pollUntil(gone, { timeoutMs: 2000, everyMs: 20 }).catch(() => undefined);
      live.delete(service);
    })());
  const service = { name, pid: pgid, pgid, child, stop, output: () => output.join("") };
  live.add(service);
  try {
    if (readyUrl) await waitUntilReady(readyUrl, child, name, timeoutMs, output);
  } catch (error) {
    await stop();
    throw error;
  }
  return service;
}

/**
 * Runs `start(dir)` with a fresh directory under `dataRoot` (this run's data, never shared with another run) and
 * removes the directory when the returned handle's stop() has stopped it, or when starting fails.
 */
export async function inRunDirectory(dataRoot, start) {
  mkdirSync(dataRoot, { recursive: true });
  const dir = mkdtempSync(join(dataRoot, "run-"));
  runDirectories.add(dir);
  const remove = () => {
    rmSync(dir, { recursive: true, force: true });
    runDirectories.delete(dir);
  };
  try {
    const handle = await start(dir);
    return {
      ...handle,
      stop: async () => {
        await handle.stop();
        remove();
      },
    };
  } catch (error) {
    remove();
    throw error;
  }
}
