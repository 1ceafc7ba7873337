import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { UserError } from "../errors.ts";
import { onInterrupt } from "../interrupt.ts";
import type { WranglerInfo } from "./wrangler-config.ts";

export interface LocalD1 {
  db: D1Database;
  persistDir: string;
  dispose(): Promise<void>;
}

/** wrangler dev --persist-to DIR keeps its state in DIR/v3 (same layout as .wrangler/state/v3). */
export const stateDir = (persistTo: string) => join(resolve(persistTo), "v3");

/**
 * A real D1 binding on the locally persisted database, through wrangler's getPlatformProxy (workerd, as
 * `wrangler dev` runs it), for writing (`migrate run`, the test fixtures). Only the D1 binding is configured, so
 * Durable Objects and KV are not started. Reading sizes needs no runtime: see local-sqlite.ts.
 */
export async function openLocalD1(info: WranglerInfo, persistTo?: string): Promise<LocalD1> {
  const persistDir = resolve(persistTo ?? info.defaultPersistDir);
  const d1Dir = join(stateDir(persistDir), "d1", "miniflare-D1DatabaseObject");
  const files = existsSync(d1Dir) ? readdirSync(d1Dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite") : [];
  if (files.length === 0) {
    throw new UserError(`no local D1 database under ${persistDir}`, {
      hint: "run `npm start` or `npm run db:migrate:local` first, pass --persist-to <dir>, or set CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID for the Cloudflare source",
    });
  }
  const { getPlatformProxy } = await import("wrangler");
  const tmp = await mkdtemp(join(tmpdir(), "moltsecret-d1-"));
  const configPath = join(tmp, "wrangler.json");
  await writeFile(configPath, JSON.stringify({
    name: info.workerName,
    compatibility_date: info.compatibilityDate,
    d1_databases: [{ binding: info.d1.binding, database_name: info.d1.databaseName, database_id: info.d1.databaseId }],
  }));
  const proxy = await getPlatformProxy<Record<string, D1Database>>({ configPath, persist: { path: stateDir(persistDir) } });
  const close = async () => {
    try {
      await proxy.dispose();
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  };
  // A SIGTERM/SIGINT must not leave the workerd behind (it would outlive the CLI with its parent gone).
  const forget = onInterrupt(close);
  const db = proxy.env[info.d1.binding];
  if (!db) throw new Error(`getPlatformProxy returned no binding ${info.d1.binding}`);
  return {
    db, persistDir,
    async dispose() {
      forget();
      await close();
    },
  };
}
