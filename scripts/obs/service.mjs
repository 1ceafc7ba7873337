// Start a local backend process on 127.0.0.1, wait until it answers, and stop it by PID.
import { spawn } from "node:child_process";
import { createServer } from "node:net";

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

async function waitUntilReady(url, child, name, timeoutMs, output) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} before it was ready:\n${output.join("").slice(-2000)}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} not ready at ${url} after ${timeoutMs} ms:\n${output.join("").slice(-2000)}`);
}

/**
 * Spawns `cmd args`, resolves when `readyUrl` answers 2xx. `stop()` sends SIGTERM, then SIGKILL after 5 s.
 * Output is kept (last lines) for error messages; pass `inherit: true` to show it.
 */
export async function startService({ name, cmd, args = [], readyUrl, timeoutMs = 15_000, env, cwd, inherit = false }) {
  const output = [];
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", inherit ? "inherit" : "pipe", inherit ? "inherit" : "pipe"] });
  const keep = (chunk) => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const kill = setTimeout(() => child.kill("SIGKILL"), 5000);
      child.once("exit", () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill("SIGTERM");
    });
  try {
    if (readyUrl) await waitUntilReady(readyUrl, child, name, timeoutMs, output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { name, pid: child.pid, child, stop, output: () => output.join("") };
}
