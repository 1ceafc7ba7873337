import type { Client } from "@libsql/client";

/** Sync progress kept in the target itself, so a resumed run needs nothing but the target URL. */
const TABLE = "_moltsecret_copy_progress";
/** The table of earlier versions, which kept the last copied id: a live secret id (the capability to reveal it). */
const LEGACY_TABLE = "_moltsecret_copy_checkpoint";

/**
 * Characters of the last synced id kept as the resume point. Ids are 22 base64url characters (128 random bits): 4 of
 * them say nothing usable about any secret, and resuming after the prefix only compares again the few rows sharing it.
 */
export const RESUME_PREFIX_CHARS = 4;

export interface Checkpoint {
  /** Every id up to and including this prefix's rows was synced. Never a whole id. */
  resumeAfter: string;
  rowsWritten: number;
  rowsDeleted: number;
  completed: boolean;
}

export const resumePointOf = (id: string) => id.slice(0, RESUME_PREFIX_CHARS);

export async function ensureCheckpointTable(client: Client): Promise<void> {
  await client.batch(
    [
      `DROP TABLE IF EXISTS ${LEGACY_TABLE}`,
      `CREATE TABLE IF NOT EXISTS ${TABLE} (source TEXT PRIMARY KEY, resume_after TEXT NOT NULL, rows_written INTEGER NOT NULL, rows_deleted INTEGER NOT NULL, completed INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL)`,
    ],
    "write",
  );
}

export async function readCheckpoint(client: Client, source: string): Promise<Checkpoint | null> {
  const r = await client.execute({ sql: `SELECT resume_after, rows_written, rows_deleted, completed FROM ${TABLE} WHERE source = ?`, args: [source] });
  const row = r.rows[0];
  if (!row) return null;
  return { resumeAfter: String(row.resume_after), rowsWritten: Number(row.rows_written), rowsDeleted: Number(row.rows_deleted), completed: Number(row.completed) === 1 };
}

/** The statement that records `cp`, to run in the same transaction as the writes it accounts for. */
export function checkpointStatement(source: string, cp: Checkpoint): { sql: string; args: (string | number)[] } {
  return {
    sql: `INSERT INTO ${TABLE} (source, resume_after, rows_written, rows_deleted, completed, updated_at) VALUES (?, ?, ?, ?, ?, ?)
          ON CONFLICT (source) DO UPDATE SET resume_after = excluded.resume_after, rows_written = excluded.rows_written,
            rows_deleted = excluded.rows_deleted, completed = excluded.completed, updated_at = excluded.updated_at`,
    args: [source, resumePointOf(cp.resumeAfter), cp.rowsWritten, cp.rowsDeleted, cp.completed ? 1 : 0, Date.now()],
  };
}

export async function clearCheckpoint(client: Client, source: string): Promise<void> {
  await client.execute({ sql: `DELETE FROM ${TABLE} WHERE source = ?`, args: [source] });
}
