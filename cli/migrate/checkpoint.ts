import type { Client } from "@libsql/client";

/** Copy progress kept in the target itself, so a resumed run needs nothing but the target URL. */
const TABLE = "_moltsecret_copy_checkpoint";

export interface Checkpoint {
  lastId: string;
  rowsCopied: number;
  completed: boolean;
}

export async function ensureCheckpointTable(client: Client): Promise<void> {
  await client.execute(`CREATE TABLE IF NOT EXISTS ${TABLE} (source TEXT PRIMARY KEY, last_id TEXT NOT NULL, rows_copied INTEGER NOT NULL, completed INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL)`);
}

export async function readCheckpoint(client: Client, source: string): Promise<Checkpoint | null> {
  const r = await client.execute({ sql: `SELECT last_id, rows_copied, completed FROM ${TABLE} WHERE source = ?`, args: [source] });
  const row = r.rows[0];
  if (!row) return null;
  return { lastId: String(row.last_id), rowsCopied: Number(row.rows_copied), completed: Number(row.completed) === 1 };
}

export async function writeCheckpoint(client: Client, source: string, cp: Checkpoint): Promise<void> {
  await client.execute({
    sql: `INSERT INTO ${TABLE} (source, last_id, rows_copied, completed, updated_at) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (source) DO UPDATE SET last_id = excluded.last_id, rows_copied = excluded.rows_copied, completed = excluded.completed, updated_at = excluded.updated_at`,
    args: [source, cp.lastId, cp.rowsCopied, cp.completed ? 1 : 0, Date.now()],
  });
}

export async function clearCheckpoint(client: Client, source: string): Promise<void> {
  await client.execute({ sql: `DELETE FROM ${TABLE} WHERE source = ?`, args: [source] });
}
