#!/usr/bin/env node
/**
 * npm start: the secrets API on 127.0.0.1 with local D1, KV and Durable Objects.
 *   1. applies the D1 migrations to the local database (wrangler d1 migrations apply DB --local)
 *   2. starts the optional sidecars from scripts/start.d/*.mjs (each may fail with a warning)
 *   3. runs wrangler dev --local on 127.0.0.1:$PORT (default 8787) and prints example curl commands once /healthz answers
 * Ctrl-C (SIGINT) or SIGTERM stops wrangler and every sidecar.
 *
 * Env: PORT (default 8787), PERSIST_TO (local state folder, default wrangler's .wrangler/state),
 *      WRANGLER_LOG (wrangler dev --log-level, default "warn": at "info" wrangler prints every request path, secret ids included).
 *
 * A sidecar is a module in scripts/start.d/ whose default export is
 *   { name: string, start(): Promise<{ vars?: Record<string, string>, stop(): void | Promise<void> }> }
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

const say = (line) => console.log(`[start] ${line}`);

function run(args) {
  return new Promise((resolve, reject) => {
    // stdin ignored: wrangler then confirms the migration prompt by itself instead of waiting for a TTY.
    const child = spawn(WRANGLER, args, { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`wrangler ${args.join(" ")} exited with ${code}`))));
  });
}

async function startSidecars() {
  if (!existsSync(SIDECAR_DIR)) return [];
  const started = [];
  for (const file of readdirSync(SIDECAR_DIR).filter((f) => f.endsWith(".mjs")).sort()) {
    let name = file;
    try {
      const sidecar = (await import(pathToFileURL(join(SIDECAR_DIR, file)).href)).default;
      name = sidecar.name ?? file;
      const handle = await sidecar.start();
      started.push({ name, ...handle });
      say(`sidecar ${name} started`);
    } catch (err) {
      say(`warning: sidecar ${name} did not start (${err instanceof Error ? err.message : err}); the API runs without it`);
    }
  }
  return started;
}

async function waitUntilReady(child) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      if ((await fetch(`http://${HOST}:${PORT}/healthz`)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

function printExamples() {
  const base = `http://${HOST}:${PORT}`;
  console.log(`
MoltSecret API ready on ${base}. Try:

  curl -s -X POST ${base}/api/secrets -H 'Content-Type: application/json' -d '{"ciphertext":"c2VjcmV0","ttlSeconds":3600,"maxViews":1}'
  curl -s ${base}/api/secrets/<id>
  curl -s -X POST ${base}/api/secrets/<id>/reveal
  curl -s -X DELETE ${base}/api/secrets/<id> -H 'X-Delete-Token: <deleteToken>'
  curl -s ${base}/healthz

Ctrl-C stops everything.
`);
}

async function main() {
  say("applying D1 migrations to the local database");
  await run(["d1", "migrations", "apply", "DB", "--local", ...PERSIST]);

  const sidecars = await startSidecars();
  const vars = sidecars.flatMap((s) => Object.entries(s.vars ?? {}).flatMap(([k, v]) => ["--var", `${k}:${v}`]));

  const dev = spawn(WRANGLER, ["dev", "--local", "--ip", HOST, "--port", String(PORT), "--log-level", LOG_LEVEL, ...PERSIST, ...vars], {
    cwd: ROOT,
    stdio: ["inherit", "inherit", "inherit"],
  });

  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    if (dev.exitCode === null) dev.kill(signal);
    for (const s of sidecars.reverse()) {
      try {
        await s.stop();
      } catch (err) {
        say(`warning: sidecar ${s.name} did not stop cleanly (${err instanceof Error ? err.message : err})`);
      }
    }
  };
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => void stop(signal));

  dev.on("exit", async (code, signal) => {
    await stop("SIGTERM");
    process.exit(code ?? (signal ? 0 : 1));
  });

  if (await waitUntilReady(dev)) printExamples();
  else if (!stopping) say(`warning: /healthz did not answer within ${READY_TIMEOUT_MS / 1000} s`);
}

main().catch((err) => {
  console.error(`[start] ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
