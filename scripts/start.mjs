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
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, applyLocalMigrations, startWranglerDev } from "./dev/wrangler-dev.mjs";
import { httpStatus, pollUntil } from "./lib/poll.mjs";
import { stopAllServices } from "./obs/service.mjs";

const SIDECAR_DIR = join(ROOT, "scripts", "start.d");
/** The Workers `wrangler dev` runs in one process; the first is the API, served on PORT (its write Worker is added by withWriter). */
const WORKER_CONFIGS = ["wrangler.toml"];
const PORT = Number(process.env.PORT ?? 8787);
const PERSIST_TO = process.env.PERSIST_TO;
const LOG_LEVEL = process.env.WRANGLER_LOG ?? "warn";
const READY_TIMEOUT_MS = 60_000;
const started = Date.now();

const say = (line) => console.log(`[start] ${line}`);
const errorText = (err) => (err instanceof Error ? err.message : String(err));

/** Every wrangler runs in its own process group (scripts/obs/service.mjs); stopping ends the group, workerd included. */
let dev = null;
const sidecars = [];
let stopping = null;

/** Ends everything, then exits with `code`: the process never exits before its children and sidecars are stopped. */
function shutdown(code) {
  stopping ??= (async () => {
    await dev?.stop();
    for (const s of sidecars.reverse()) {
      try {
        await s.stop();
      } catch (err) {
        say(`warning: sidecar ${s.name} did not stop cleanly (${errorText(err)})`);
      }
    }
    await stopAllServices(); // e.g. a migration still running
    process.exit(code);
  })();
  return stopping;
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => void shutdown(0));

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

/** True once /healthz answers 2xx; false after READY_TIMEOUT_MS, or when wrangler exits or we stop first. */
async function waitUntilReady() {
  const answered = async () => {
    if (dev.child.exitCode !== null || stopping) return "gone";
    const status = await httpStatus(`${dev.url}/healthz`);
    return status !== null && status >= 200 && status < 300 ? "ready" : null;
  };
  return (await pollUntil(answered, { timeoutMs: READY_TIMEOUT_MS, what: "/healthz answering" }).catch(() => "late")) === "ready";
}

function printExamples() {
  const base = dev.url;
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
  // stdin is not a TTY: wrangler then confirms the migration prompt by itself instead of waiting.
  await applyLocalMigrations({ config: WORKER_CONFIGS[0], persistTo: PERSIST_TO, inherit: true });
  if (stopping) return;
  const vars = Object.assign({}, ...sidecars.map((s) => s.vars ?? {}));
  const spawned = await startWranglerDev({ configs: WORKER_CONFIGS, port: PORT, persistTo: PERSIST_TO, vars, logLevel: LOG_LEVEL, inherit: true, ready: false });
  if (stopping) return spawned.stop();
  dev = spawned;
  const ended = (code, signal) => void shutdown(code ?? (signal ? 0 : 1));
  if (dev.child.exitCode !== null || dev.child.signalCode !== null) ended(dev.child.exitCode, dev.child.signalCode);
  else dev.child.once("exit", ended);
  if (await waitUntilReady()) printExamples();
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
