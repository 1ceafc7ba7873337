import type { Client } from "@libsql/client";
import type { SecretStore } from "../../worker/store/store.ts";
import { clearCheckpoint, ensureCheckpointTable, readCheckpoint, writeCheckpoint } from "./checkpoint.ts";
import { digestSecrets, type TableDigest } from "./checksum.ts";

export interface CopyResult {
  resumedFrom: number;
  copiedThisRun: number;
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

/**
 * Copies every secret from `source` to `target` in id order, chunk by chunk. Each chunk is one upsert batch (a
 * transaction on libSQL), then the checkpoint advances: a crash repeats at most one chunk, and upserts make the
 * repeat harmless. Ends by comparing row counts and checksums of both sides.
 */
export async function copySecrets(source: SecretStore, target: SecretStore, targetClient: Client, o: CopyOptions): Promise<CopyResult> {
  await ensureCheckpointTable(targetClient);
  if (o.restart) await clearCheckpoint(targetClient, o.checkpointKey);
  const cp = (await readCheckpoint(targetClient, o.checkpointKey)) ?? { lastId: "", rowsCopied: 0, completed: false };
  const resumedFrom = cp.completed ? 0 : cp.rowsCopied;
  let after = cp.completed ? "" : cp.lastId;
  let copied = resumedFrom;
  let thisRun = 0;
  for (;;) {
    const rows = await source.scan(after, o.chunkRows);
    if (rows.length > 0) {
      await target.upsertRows(rows);
      after = rows[rows.length - 1]!.id;
      copied += rows.length;
      thisRun += rows.length;
      await writeCheckpoint(targetClient, o.checkpointKey, { lastId: after, rowsCopied: copied, completed: false });
      o.onProgress?.(copied, o.total, "copying");
    }
    if (rows.length < o.chunkRows) break;
  }
  const src = await digestSecrets(source, o.chunkRows * 5, (n) => o.onProgress?.(n, o.total, "checksum source"));
  const dst = await digestSecrets(target, o.chunkRows * 5, (n) => o.onProgress?.(n, o.total, "checksum target"));
  const match = src.rows === dst.rows && src.sha256 === dst.sha256;
  if (match) await writeCheckpoint(targetClient, o.checkpointKey, { lastId: after, rowsCopied: copied, completed: true });
  return { resumedFrom, copiedThisRun: thisRun, rowsCopied: copied, source: src, target: dst, match };
}
