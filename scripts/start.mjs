#!/usr/bin/env node
/**
 * npm start: the secrets API on 127.0.0.1 with local D1, KV and Durable Objects, and its telemetry beside it.
 *   1. installs the Ctrl-C / SIGTERM handlers (before anything is started, so nothing started can be left behind)
 *   2. starts the sidecars from scripts/start.d/*.mjs: each hands over its Worker vars at once (a sidecar that fails
 *      is a warning)
 *   3. applies the D1 migrations (wrangler d1 migrations apply DB --local), then runs wrangler dev --local on
 *      127.0.0.1:$PORT (default 8787) and prints example curl commands once /healthz answers
 *   4. then brings every sidecar fully up beside the running API (`bringUp()`, e.g. a first binary download)
 * Stopping ends wrangler (its whole process group, workerd included) and every sidecar, and only then exits.
 *
 * Env: PORT (default 8787), PERSIST_TO (local state folder, default wrangler's .wrangler/state),
 *      WRANGLER_LOG (wrangler dev --log-level, default "warn": at "info" wrangler prints every request path, secret ids included).
 *
 * A sidecar is a module in scripts/start.d/ whose default export is
 *   { name: string, start(): Promise<{ vars?: Record<string, string>, bringUp?(): Promise<unknown>, stop(): void | Promise<void> }> }
 * `vars` are passed to the Worker with `wrangler dev --var NAME:VALUE` (e.g. a local OTLP endpoint).
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const WRANGLER = join(ROOT, "node_modules", ".bin", "wrangler");
const SIDECAR_DIR = join(ROOT, "scripts", "start.d");
const HOST = "127.0.0.1";
const PORT = Number(process.env.PORT ?? 8787);
const PERSIST = process.env.PERSIST_TO ? ["--persist-to", process.env.PERSIST_TO] : [];
const LOG_LEVEL = process.env.WRANGLER_LOG ?? "warn";
const READY_TIMEOUT_MS = 60_000;
const started = Date.now();

const say = (line) => console.log(`[start] ${line}`);
const errorText = (err) => (err instanceof Error ? err.message : String(err));

/** Every child runs in its own process group; stopping signals the group, so workerd under wrangler goes too. */
const children = new Set();
const sidecars = [];
let stopping = null;

function spawnGroup(args, stdio) {
  const child = spawn(WRANGLER, args, { cwd: ROOT, stdio, detached: true });
  children.add(child);
  child.on("exit", () => children.delete(child));
  return child;
}

const signalGroup = (child, signal) => {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
};

async function endChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return signalGroup(child, "SIGKILL");
  const exited = new Promise((resolve) => child.once("exit", resolve));
  signalGroup(child, "SIGTERM");
  const timer = setTimeout(() => signalGroup(child, "SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
  signalGroup(child, "SIGKILL"); // anything of the group that outlived its leader
}

/** Ends everything, then exits with `code`: the process never exits before its children and sidecars are stopped. */
function shutdown(code) {
  stopping ??= (async () => {
    await Promise.all([...children].map(endChild));
    for (const s of sidecars.reverse()) {
      try {
        await s.stop();
      } catch (err) {
        say(`warning: sidecar ${s.name} did not stop cleanly (${errorText(err)})`);
      }
    }
    process.exit(code);
  })();
  return stopping;
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => void shutdown(0));
process.on("exit", () => {
  for (const child of children) signalGroup(child, "SIGKILL");
});

function run(args) {
  return new Promise((resolve, reject) => {
    // stdin ignored: wrangler then confirms the migration prompt by itself instead of waiting for a TTY.
    const child = spawnGroup(args, ["ignore", "inherit", "inherit"]);
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`wrangler ${args.join(" ")} exited with ${code}`))));
  });
}

async function startSidecars() {
  if (!existsSync(SIDECAR_DIR)) return;
  for (const file of readdirSync(SIDECAR_DIR).filter((f) => f.endsWith(".mjs")).sort()) {
    let name = file;
    try {
      const sidecar = (await import(pathToFileURL(join(SIDECAR_DIR, file)).href)).default;
      name = sidecar.name ?? file;
      const handle = await sidecar.start({ say });
      sidecars.push({ name, ...handle });
    } catch (err) {
      say(`warning: sidecar ${name} did not start (${errorText(err)}); the API runs without it`);
    }
  }
}

async function waitUntilReady(child) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && child.exitCode === null && !stopping) {
    try {
      if ((await fetch(`http://${HOST}:${PORT}/healthz`)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

function printExamples() {
  const base = `http://${HOST}:${PORT}`;
  console.log(`
MoltSecret API ready on ${base} (${((Date.now() - started) / 1000).toFixed(1)} s). Try:

  curl -s -X POST ${base}/api/secrets -H 'Content-Type: application/json' -d '{"ciphertext":"c2VjcmV0","ttlSeconds":3600,"maxViews":1}'
  curl -s ${base}/api/secrets/<id>
  curl -s -X POST ${base}/api/secrets/<id>/reveal
  curl -s -X DELETE ${base}/api/secrets/<id> -H 'X-Delete-Token: <deleteToken>'
  curl -s ${base}/healthz

Ctrl-C stops everything.
`);
}

async function main() {
  await startSidecars();
  if (stopping) return;
  say("applying D1 migrations to the local database");
  await run(["d1", "migrations", "apply", "DB", "--local", ...PERSIST]);
  if (stopping) return;
  const vars = sidecars.flatMap((s) => Object.entries(s.vars ?? {}).flatMap(([k, v]) => ["--var", `${k}:${v}`]));
  const dev = spawnGroup(["dev", "--local", "--ip", HOST, "--port", String(PORT), "--log-level", LOG_LEVEL, ...PERSIST, ...vars], ["inherit", "inherit", "inherit"]);
  dev.on("exit", (code, signal) => void shutdown(code ?? (signal ? 0 : 1)));
  if (await waitUntilReady(dev)) printExamples();
  else if (!stopping) say(`warning: /healthz did not answer within ${READY_TIMEOUT_MS / 1000} s`);
  for (const { name, bringUp } of sidecars) {
    if (stopping || !bringUp) continue;
    bringUp().then(
      () => say(`sidecar ${name} ready after ${((Date.now() - started) / 1000).toFixed(1)} s`),
      (err) => say(`warning: sidecar ${name} did not start (${errorText(err)}); the API runs without it`),
    );
  }
}

main().catch((err) => {
  console.error(`[start] ${errorText(err)}`);
  void shutdown(1);
});
