import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { freePort, startService } from "../obs/service.mjs";

const ROOT = resolve(import.meta.dirname, "../..");
const WRANGLER = join(ROOT, "node_modules/.bin/wrangler");

export interface LocalWorker {
  readonly url: string;
  /** The local D1 SQLite file holding the secrets. */
  readonly d1File: () => string;
  stop(): Promise<void>;
}

/** The real Worker under `wrangler dev --local` on 127.0.0.1 with its own migrated D1 state (no telemetry). */
export async function startLocalWorker(): Promise<LocalWorker> {
  mkdirSync(join(ROOT, ".cache", "traffic"), { recursive: true });
  const persist = mkdtempSync(join(ROOT, ".cache", "traffic", "state-"));
  await promisify(execFile)(WRANGLER, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist], { cwd: ROOT, env: { ...process.env, CI: "1" } });
  const [port, inspector] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${port}`;
  const worker = await startService({
    name: "wrangler dev",
    cmd: WRANGLER,
    args: ["dev", "--local", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector), "--persist-to", persist, "--show-interactive-dev-session=false",
      // The growth and slow scenarios create more large secrets per minute than the fleet-wide budget allows on purpose.
      "--var", "FLEET_CREATE_BYTES_PER_MINUTE:0"],
    cwd: ROOT,
    env: { CI: "1", WRANGLER_SEND_METRICS: "false" },
    readyUrl: `${url}/healthz`,
    timeoutMs: 60_000,
  });
  const dir = join(persist, "v3", "d1", "miniflare-D1DatabaseObject");
  return {
    url,
    d1File: () =>
      readdirSync(dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite").map((f) => join(dir, f)).sort((a, b) => statSync(b).size - statSync(a).size)[0] ?? "",
    stop: async () => {
      await worker.stop();
      rmSync(persist, { recursive: true, force: true });
    },
  };
}
