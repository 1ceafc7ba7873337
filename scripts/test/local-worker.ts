import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { ROOT, applyLocalMigrations, startWranglerDev } from "../dev/wrangler-dev.mjs";

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
  await applyLocalMigrations({ persistTo: persist });
  const worker = await startWranglerDev({
    persistTo: persist,
    // The growth and slow scenarios create more large secrets per minute than the fleet-wide budget allows on purpose.
    vars: { FLEET_CREATE_BYTES_PER_MINUTE: "0" },
    logLevel: "log",
  });
  const dir = join(persist, "v3", "d1", "miniflare-D1DatabaseObject");
  return {
    url: worker.url,
    d1File: () =>
      readdirSync(dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite").map((f) => join(dir, f)).sort((a, b) => statSync(b).size - statSync(a).size)[0] ?? "",
    stop: async () => {
      await worker.stop();
      rmSync(persist, { recursive: true, force: true });
    },
  };
}
