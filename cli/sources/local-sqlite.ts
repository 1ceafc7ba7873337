import { createHash, createHmac } from "node:crypto";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { getTableColumns, getTableName } from "drizzle-orm";
import { secrets } from "../../worker/db/schema.ts";
import type { SizePoint } from "./size-point.ts";
import { UserError } from "../errors.ts";
import { DAY_MS } from "../units.ts";
import { stateDir } from "./local-d1.ts";
import type { WranglerInfo } from "./wrangler-config.ts";

/** Miniflare's file name for a Durable Object id from a name (D1 databases are objects named by database_id). */
function objectIdFromName(uniqueKey: string, name: string): string {
  const key = createHash("sha256").update(uniqueKey).digest();
  const nameHmac = createHmac("sha256", key).update(name).digest().subarray(0, 16);
  const hmac = createHmac("sha256", key).update(nameHmac).digest().subarray(0, 16);
  return Buffer.concat([nameHmac, hmac]).toString("hex");
}

const D1_OBJECT = "miniflare-D1DatabaseObject";

/** Where `wrangler dev` keeps this binding's database: <persist>/v3/d1/miniflare-D1DatabaseObject/<id>.sqlite. */
export function localD1File(info: WranglerInfo, persistTo?: string): { persistDir: string; file: string } {
  const persistDir = resolve(persistTo ?? info.defaultPersistDir);
  const file = join(stateDir(persistDir), "d1", D1_OBJECT, `${objectIdFromName(D1_OBJECT, info.d1.databaseId || info.d1.binding)}.sqlite`);
  return { persistDir, file };
}

export interface LocalMeasurement {
  sizeBytes: number;
  tables: { name: string; rows: number }[];
  rows: number;
  history: SizePoint[];
  historyNote: string;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

interface Db {
  prepare(sql: string): { all(...params: unknown[]): Record<string, unknown>[]; get(...params: unknown[]): Record<string, unknown> | undefined };
  close(): void;
}

/**
 * The local D1 measured from its SQLite file, opened read-only (mode=ro: no write, no checkpoint; safe beside a
 * running `wrangler dev`, which keeps the file in WAL mode): no runtime to boot. The size is what D1 reports as
 * meta.size_after, page_count x page_size.
 */
export async function measureLocalFile(info: WranglerInfo, persistTo: string | undefined, now: number): Promise<LocalMeasurement & { persistDir: string }> {
  const { persistDir, file } = localD1File(info, persistTo);
  if (!existsSync(file)) {
    throw new UserError(`no local D1 database under ${persistDir}`, {
      hint: "run `npm start` or `npm run db:migrate:local` first, pass --persist-to <dir>, or set CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID for the Cloudflare source",
    });
  }
  const { default: Database } = (await import("libsql")) as unknown as { default: new (path: string) => Db };
  const db = new Database(`file:${file}?mode=ro`);
  try {
    const list = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY name").all();
    const tables = list.map(({ name }) => {
      const r = db.prepare(`SELECT count(*) AS n FROM ${quoteIdent(String(name))}`).get();
      return { name: String(name), rows: Number(r?.n ?? 0) };
    });
    if (tables.length === 0) throw new UserError("the local D1 database has no tables", { hint: "apply the migrations: npm run db:migrate:local" });
    const pages = Number(db.prepare("PRAGMA page_count").get()?.page_count ?? 0);
    const pageSize = Number(db.prepare("PRAGMA page_size").get()?.page_size ?? 0);
    const sizeBytes = pages * pageSize;
    const rows = tables.reduce((a, t) => a + t.rows, 0);
    const history = estimateHistory(db, tables, sizeBytes, now);
    return {
      persistDir, sizeBytes, tables, rows, history,
      historyNote: history.length > 0 ? `estimated from ${getTableName(secrets)}.${getTableColumns(secrets).createdAt.name} of live rows x average row size` : "no rows to estimate a history from",
    };
  } finally {
    db.close();
  }
}

/**
 * Local D1 keeps no size history, so reconstruct one: rows of the secrets table by creation day, cumulative,
 * times the current bytes per row. Purged rows are not counted, so the slope is a lower bound.
 */
function estimateHistory(db: Db, tables: { name: string; rows: number }[], sizeBytes: number, now: number): SizePoint[] {
  const table = getTableName(secrets);
  const total = tables.find((t) => t.name === table)?.rows ?? 0;
  if (total === 0) return [];
  const created = getTableColumns(secrets).createdAt.name;
  const days = db.prepare(`SELECT (${quoteIdent(created)} / ${DAY_MS}) AS day, count(*) AS n FROM ${quoteIdent(table)} GROUP BY day ORDER BY day`).all();
  const bytesPerRow = sizeBytes / total;
  let cumulative = 0;
  return days.map(({ day, n }) => {
    cumulative += Number(n);
    return { t: Math.min(now, (Number(day) + 1) * DAY_MS - 1), bytes: Math.round(cumulative * bytesPerRow) };
  });
}
