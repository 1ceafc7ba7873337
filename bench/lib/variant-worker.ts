// Runs one Worker variant under `wrangler dev --local` on 127.0.0.1 with its own persisted D1/KV/DO state.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WRANGLER_ENV as DEV_ENV, applyLocalMigrations, runWrangler, startWranglerDev } from "../../scripts/dev/wrangler-dev.mjs";
import { descendants, listeningPorts, pin, workerdPids } from "./proc.ts";

export { WRANGLER } from "../../scripts/dev/wrangler-dev.mjs";

/** No telemetry to Cloudflare, no prompts and no colours from the tool under test. */
export const WRANGLER_ENV = { ...DEV_ENV, NO_COLOR: "1", FORCE_COLOR: "0" };

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
export const applyMigrations = (config: string, persistDir: string): Promise<void> => applyLocalMigrations({ config, persistTo: persistDir, env: WRANGLER_ENV });

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
      await runWrangler(["kv", "key", "put", key, value, "--binding", "KV", "--local", "--persist-to", persistDir, "-c", variant.config], { env: WRANGLER_ENV, timeoutMs: 60_000 });
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
  const dev = await startWranglerDev({
    name: `wrangler dev (${variant.name})`,
    configs: [variant.config],
    persistTo: persistDir,
    vars: variant.vars,
    // wrangler prints a line per request at the default level: Node CPU on the bench's cores that no deployment has.
    logLevel: "warn",
    env: WRANGLER_ENV,
    ready: "any",
    timeoutMs: 90_000,
  });
  const stop = async () => {
    const leftovers = workerdPids(dev.pid);
    await dev.stop();
    for (const pid of leftovers) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone with its parent
      }
    }
  };
  try {
    const pids = workerdPids(dev.pid);
    if (pids.length === 0) throw new Error("no workerd process found under wrangler dev");
    // wrangler 4 runs two workerd: its proxy (listening on the dev port) and the user Worker behind it.
    const proxyPid = pids.find((pid) => listeningPorts(pid).includes(dev.port)) ?? NaN;
    const workerdPid = pids.find((pid) => pid !== proxyPid) ?? pids[0]!;
    if (cpus) for (const pid of pids) pin(pid, cpus);
    const hostPids = () => [dev.pid, ...descendants(dev.pid).filter((p) => p.comm !== "workerd").map((p) => p.pid)];
    return { variant, url: dev.url, persistDir, workerdPid, proxyPid, hostPids, inspectorPort: dev.inspectorPort, stop, output: dev.output };
  } catch (error) {
    await stop();
    throw error;
  }
}
