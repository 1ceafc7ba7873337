import { createHash } from "node:crypto";
import { getTableColumns } from "drizzle-orm";
import { CIPHERTEXT_MAX_BYTES, MIGRATE_SCAN_BYTES, REQUEST_BODY_OVERHEAD_BYTES } from "../../catalog/index.ts";
import { secrets, type SecretRow } from "../../worker/db/schema.ts";
import type { SecretStore } from "../../worker/store/store.ts";

const KEYS = Object.keys(getTableColumns(secrets)) as (keyof SecretRow)[];

export interface TableDigest {
  table: string;
  rows: number;
  sha256: string;
}

/**
 * Rows one scan may ask for: `chunkRows`, but never more than MIGRATE_SCAN_BYTES of the largest row the API accepts,
 * so a table of maximum-size secrets is read in bounded memory whatever chunk the caller asked for.
 */
export function rowsPerScan(chunkRows: number): number {
  const largestRow = CIPHERTEXT_MAX_BYTES.value + REQUEST_BODY_OVERHEAD_BYTES.value;
  return Math.max(1, Math.min(chunkRows, Math.floor(MIGRATE_SCAN_BYTES.value / largestRow)));
}

/** One row as the same text on D1 and libSQL, whatever the driver returns (bigint and number normalise alike). */
export const canonicalRow = (row: SecretRow): string =>
  JSON.stringify(KEYS.map((k) => { const v = row[k]; return typeof v === "bigint" ? Number(v) : (v ?? null); }));

/** Row count and SHA-256 over every row in id order, read through the store's scan() in bounded chunks. */
export async function digestSecrets(store: Pick<SecretStore, "scan">, chunkRows: number, onRows?: (n: number) => void): Promise<TableDigest> {
  const chunk = rowsPerScan(chunkRows);
  const hash = createHash("sha256");
  let after = "";
  let rows = 0;
  for (;;) {
    const batch = await store.scan(after, chunk);
    for (const row of batch) {
      hash.update(canonicalRow(row));
      hash.update("\n");
    }
    rows += batch.length;
    onRows?.(rows);
    if (batch.length < chunk) break;
    after = batch[batch.length - 1]!.id;
  }
  return { table: "secrets", rows, sha256: hash.digest("hex") };
}
