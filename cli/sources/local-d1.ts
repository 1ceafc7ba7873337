import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { getTableColumns, getTableName } from "drizzle-orm";
import { secrets } from "../../worker/db/schema.ts";
import type { SizePoint } from "../capacity/projection.ts";
import { UserError } from "../errors.ts";
import { onInterrupt } from "../interrupt.ts";
import { DAY_MS } from "../units.ts";
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
 * `wrangler dev` runs it). Only the D1 binding is configured, so Durable Objects and KV are not started.
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

export interface LocalMeasurement {
  sizeBytes: number;
  tables: { name: string; rows: number }[];
  rows: number;
  history: SizePoint[];
  historyNote: string;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Size from D1's own meta.size_after, rows by count(*) per table, and a size history estimated from creation times. */
export async function measureLocal(db: D1Database, now: number): Promise<LocalMeasurement> {
  const list = await db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY name")
    .all<{ name: string }>();
  const tables: { name: string; rows: number }[] = [];
  for (const { name } of list.results) {
    const r = await db.prepare(`SELECT count(*) AS n FROM ${quoteIdent(name)}`).first<{ n: number }>();
    tables.push({ name, rows: Number(r?.n ?? 0) });
  }
  if (tables.length === 0) {
    throw new UserError("the local D1 database has no tables", { hint: "apply the migrations: npm run db:migrate:local" });
  }
  const sizeResult = await db.prepare("SELECT 1").run();
  const sizeBytes = Number(sizeResult.meta.size_after);
  const rows = tables.reduce((a, t) => a + t.rows, 0);
  const history = await estimateHistory(db, tables, sizeBytes, now);
  return {
    sizeBytes, tables, rows, history,
    historyNote: history.length > 0 ? `estimated from ${getTableName(secrets)}.${getTableColumns(secrets).createdAt.name} of live rows x average row size` : "no rows to estimate a history from",
  };
}

/**
 * Local D1 keeps no size history, so reconstruct one: rows of the secrets table by creation day, cumulative,
 * times the current bytes per row. Purged rows are not counted, so the slope is a lower bound.
 */
async function estimateHistory(db: D1Database, tables: { name: string; rows: number }[], sizeBytes: number, now: number): Promise<SizePoint[]> {
  const table = getTableName(secrets);
  const total = tables.find((t) => t.name === table)?.rows ?? 0;
  if (total === 0) return [];
  const created = getTableColumns(secrets).createdAt.name;
  const days = await db
    .prepare(`SELECT (${quoteIdent(created)} / ${DAY_MS}) AS day, count(*) AS n FROM ${quoteIdent(table)} GROUP BY day ORDER BY day`)
    .all<{ day: number; n: number }>();
  const bytesPerRow = sizeBytes / total;
  let cumulative = 0;
  const points: SizePoint[] = [];
  for (const { day, n } of days.results) {
    cumulative += Number(n);
    const t = Math.min(now, (Number(day) + 1) * DAY_MS - 1);
    points.push({ t, bytes: Math.round(cumulative * bytesPerRow) });
  }
  return points;
}
