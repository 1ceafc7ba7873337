// Runs one Worker variant under `wrangler dev --local` on 127.0.0.1 with its own persisted D1/KV/DO state.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT, freePort, startService, type Service } from "./obs.ts";
import { descendants, listeningPorts, pin, workerdPids } from "./proc.ts";

const run = promisify(execFile);
export const WRANGLER = join(ROOT, "node_modules/.bin/wrangler");
/** No telemetry to Cloudflare and no prompts from the tool under test. */
export const WRANGLER_ENV = { WRANGLER_SEND_METRICS: "false", CI: "1", NO_COLOR: "1", FORCE_COLOR: "0" };

export interface Variant {
  /** Short label used in tables, e.g. "off", "on", "otel-cf-only". */
  name: string;
  /** wrangler config, relative to the repo root. */
  config: string;
  vars?: Record<string, string>;
  /** KV entries written into the KV binding's local state before the Worker starts (e.g. feature flags). */
  kv?: Record<string, string>;
}

export interface RunningWorker {
  variant: Variant;
  url: string;
  persistDir: string;
  /** The workerd process running the Worker (the one whose memory we measure). */
  workerdPid: number;
  /** wrangler's own proxy workerd in front of it (every request crosses it too). */
  proxyPid: number;
  /** wrangler's Node processes (they print the Worker's console lines, among other things). */
  hostPids(): number[];
  /** wrangler dev's inspector (DevTools protocol) on 127.0.0.1. */
  inspectorPort: number;
  stop(): Promise<void>;
  output(): string;
}

/** Applies the config's D1 migrations to a local database persisted in `persistDir`. */
export async function applyMigrations(config: string, persistDir: string): Promise<void> {
  await run(WRANGLER, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir, "-c", config], {
    cwd: ROOT,
    env: { ...process.env, ...WRANGLER_ENV },
    timeout: 120_000,
  });
}

async function waitForHttp(url: string, svc: Service, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (svc.child.exitCode !== null) throw new Error(`wrangler dev exited (${svc.child.exitCode}):\n${svc.output().slice(-3000)}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return res.status;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`wrangler dev not answering ${url} after ${timeoutMs} ms:\n${svc.output().slice(-3000)}`);
}

/**
 * Starts the variant on an OS-assigned port with a fresh temp state dir (migrations applied), waits until
 * it answers, and pins its workerd to `cpus` when given. `stop()` ends wrangler and removes the state.
 */
export async function startWorker(variant: Variant, opts: { cpus?: string; persistDir?: string } = {}): Promise<RunningWorker> {
  const persistDir = opts.persistDir ?? mkdtempSync(join(tmpdir(), `moltsecret-bench-${variant.name}-`));
  const ownsDir = !opts.persistDir;
  const removeDir = () => {
    if (ownsDir) rmSync(persistDir, { recursive: true, force: true });
  };
  try {
    await applyMigrations(variant.config, persistDir);
    for (const [key, value] of Object.entries(variant.kv ?? {})) {
      await run(WRANGLER, ["kv", "key", "put", key, value, "--binding", "KV", "--local", "--persist-to", persistDir, "-c", variant.config], {
        cwd: ROOT,
        env: { ...process.env, ...WRANGLER_ENV },
        timeout: 60_000,
      });
    }
    // A port the OS called free can be taken by any process on this shared machine before workerd binds it: retry.
    for (let attempt = 1; ; attempt++) {
      try {
        const worker = await launch(variant, persistDir, opts.cpus);
        return {
          ...worker,
          stop: async () => {
            await worker.stop();
            removeDir();
          },
        };
      } catch (error) {
        if (attempt >= 3 || !String((error as Error).message).includes("Address already in use")) throw error;
      }
    }
  } catch (error) {
    removeDir();
    throw error;
  }
}

async function launch(variant: Variant, persistDir: string, cpus: string | undefined): Promise<RunningWorker> {
  const port = await freePort();
  const inspectorPort = await freePort();
  const vars = Object.entries(variant.vars ?? {}).flatMap(([k, v]) => ["--var", `${k}:${v}`]);
  const svc = await startService({
    name: `wrangler dev (${variant.name})`,
    cmd: WRANGLER,
    args: ["dev", "--local", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspectorPort),
      "-c", variant.config, "--persist-to", persistDir, "--show-interactive-dev-session=false",
      // wrangler prints a line per request at the default level: Node CPU on the bench's cores that no deployment has.
      "--log-level", "warn", ...vars],
    cwd: ROOT,
    env: WRANGLER_ENV,
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    const leftovers = workerdPids(svc.pid);
    await svc.stop();
    for (const pid of leftovers) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone with its parent
      }
    }
  };
  try {
    await waitForHttp(`${url}/healthz`, svc, 90_000);
    const pids = workerdPids(svc.pid);
    if (pids.length === 0) throw new Error("no workerd process found under wrangler dev");
    // wrangler 4 runs two workerd: its proxy (listening on the dev port) and the user Worker behind it.
    const proxyPid = pids.find((pid) => listeningPorts(pid).includes(port)) ?? NaN;
    const workerdPid = pids.find((pid) => pid !== proxyPid) ?? pids[0]!;
    if (cpus) for (const pid of pids) pin(pid, cpus);
    const hostPids = () => [svc.pid, ...descendants(svc.pid).filter((p) => p.comm !== "workerd").map((p) => p.pid)];
    return { variant, url, persistDir, workerdPid, proxyPid, hostPids, inspectorPort, stop, output: svc.output };
  } catch (error) {
    await stop();
    throw error;
  }
}
