import { createHash } from "node:crypto";
import { getTableColumns } from "drizzle-orm";
import { secrets, type SecretRow } from "../../worker/db/schema.ts";
import type { SecretStore } from "../../worker/store/store.ts";

const KEYS = Object.keys(getTableColumns(secrets)) as (keyof SecretRow)[];

export interface TableDigest {
  table: string;
  rows: number;
  sha256: string;
}

/**
 * Row count and SHA-256 over every row in id order, read through the store's scan(): the same bytes for the same
 * data on D1 and libSQL, whatever the driver returns (bigint and number normalise to the same JSON).
 */
export async function digestSecrets(store: Pick<SecretStore, "scan">, chunk: number, onRows?: (n: number) => void): Promise<TableDigest> {
  const hash = createHash("sha256");
  let after = "";
  let rows = 0;
  for (;;) {
    const batch = await store.scan(after, chunk);
    for (const row of batch) {
      hash.update(JSON.stringify(KEYS.map((k) => { const v = row[k]; return typeof v === "bigint" ? Number(v) : (v ?? null); })));
      hash.update("\n");
    }
    rows += batch.length;
    onRows?.(rows);
    if (batch.length < chunk) break;
    after = batch[batch.length - 1]!.id;
  }
  return { table: "secrets", rows, sha256: hash.digest("hex") };
}
