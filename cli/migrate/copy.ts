import type { Client, InStatement } from "@libsql/client";
import { getTableColumns, getTableName } from "drizzle-orm";
import { D1_LIMITS } from "../../catalog/index.ts";
import { secrets, type SecretRow } from "../../worker/db/schema.ts";
import type { SecretStore } from "../../worker/store/store.ts";
import { checkpointStatement, clearCheckpoint, ensureCheckpointTable, readCheckpoint, type Checkpoint } from "./checkpoint.ts";
import { canonicalRow, digestSecrets, rowsPerScan, type TableDigest } from "./checksum.ts";
import { RowCursor } from "./row-cursor.ts";

export interface CopyResult {
  /** Rows written by the part of this pass that ran before an interruption (from the checkpoint); 0 when starting. */
  resumedFrom: number;
  /** Source rows compared with the target this run. */
  compared: number;
  /** Rows inserted into the target or overwritten there because they differed (e.g. burned in the source) this run. */
  copiedThisRun: number;
  /** Target rows removed this run because the source no longer has them (purged there). */
  deletedThisRun: number;
  /** Rows written in this pass, including before a resume. */
  rowsCopied: number;
  source: TableDigest;
  target: TableDigest;
  match: boolean;
}

export interface CopyOptions {
  checkpointKey: string;
  chunkRows: number;
  restart: boolean;
  total: number;
  onProgress?: (done: number, total: number, phase: string) => void;
}

const TABLE = getTableName(secrets);
const ID = getTableColumns(secrets).id.name;
/** Ids per DELETE statement: D1's bound-parameter limit, kept here too so the statement is portable. */
const IDS_PER_DELETE = D1_LIMITS.maxBoundParameters.value;

function deleteStatements(ids: readonly string[]): InStatement[] {
  const out: InStatement[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_DELETE) {
    const chunk = ids.slice(i, i + IDS_PER_DELETE);
    out.push({ sql: `DELETE FROM "${TABLE}" WHERE "${ID}" IN (${chunk.map(() => "?").join(", ")})`, args: [...chunk] });
  }
  return out;
}

/**
 * Makes the target converge to the source: both are walked in id order together (bounded scans), and only what
 * differs is written: rows missing or different in the target are upserted (a secret burned in the source is burned
 * in the target), rows the source no longer has are deleted there. After each step the removals and the checkpoint
 * commit in one transaction, after the upserts; a crash repeats at most one step, and every write is idempotent. A
 * finished pass is marked completed, so the next run starts a new pass that writes only what changed since. Ends by
 * comparing row counts and checksums of both sides.
 */
export async function copySecrets(source: SecretStore, target: SecretStore, targetClient: Client, o: CopyOptions): Promise<CopyResult> {
  await ensureCheckpointTable(targetClient);
  if (o.restart) await clearCheckpoint(targetClient, o.checkpointKey);
  const saved = await readCheckpoint(targetClient, o.checkpointKey);
  const resuming = saved !== null && !saved.completed;
  const cp: Checkpoint = resuming ? { ...saved } : { resumeAfter: "", rowsWritten: 0, rowsDeleted: 0, completed: false };
  const resumedFrom = cp.rowsWritten;
  const scanRows = rowsPerScan(o.chunkRows);
  const src = new RowCursor(source, cp.resumeAfter, scanRows);
  const dst = new RowCursor(target, cp.resumeAfter, scanRows);
  let upserts: SecretRow[] = [];
  let deletes: string[] = [];
  let sinceCheckpoint = 0;
  let compared = 0;
  let copied = 0;
  let deleted = 0;

  const commit = async (lastId: string, completed: boolean) => {
    if (upserts.length > 0) await target.upsertRows(upserts);
    cp.rowsWritten += upserts.length;
    cp.rowsDeleted += deletes.length;
    cp.resumeAfter = lastId;
    cp.completed = completed;
    await targetClient.batch([...deleteStatements(deletes), checkpointStatement(o.checkpointKey, cp)], "write");
    copied += upserts.length;
    deleted += deletes.length;
    upserts = [];
    deletes = [];
    sinceCheckpoint = 0;
    o.onProgress?.(compared, o.total, "syncing");
  };

  let lastId = cp.resumeAfter;
  for (;;) {
    const [s, t] = [await src.peek(), await dst.peek()];
    if (!s && !t) break;
    if (t && (!s || t.id < s.id)) {
      deletes.push(t.id);
      lastId = t.id;
      dst.advance();
    } else {
      if (!t || s!.id < t.id || canonicalRow(s!) !== canonicalRow(t)) upserts.push(s!);
      if (t && t.id === s!.id) dst.advance();
      lastId = s!.id;
      compared++;
      src.advance();
    }
    if (++sinceCheckpoint >= scanRows || upserts.length + deletes.length >= scanRows) await commit(lastId, false);
  }
  await commit(lastId, false);

  const digestSource = await digestSecrets(source, o.chunkRows, (n) => o.onProgress?.(n, o.total, "checksum source"));
  const digestTarget = await digestSecrets(target, o.chunkRows, (n) => o.onProgress?.(n, o.total, "checksum target"));
  const match = digestSource.rows === digestTarget.rows && digestSource.sha256 === digestTarget.sha256;
  if (match) await targetClient.batch([checkpointStatement(o.checkpointKey, { ...cp, completed: true })], "write");
  return { resumedFrom, compared, copiedThisRun: copied, deletedThisRun: deleted, rowsCopied: cp.rowsWritten, source: digestSource, target: digestTarget, match };
}
