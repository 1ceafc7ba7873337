import { PURGE } from "../../catalog/index.ts";
import type { SecretStore } from "../store/store.ts";

/**
 * Deletes expired and burned rows in chunks of PURGE.chunkRows, stopping when a chunk comes back short or after
 * PURGE.maxChunksPerRun chunks (the rest waits for the next cron run). Returns how many rows went.
 */
export async function purgeExpired(
  store: SecretStore,
  now: number,
  { chunkRows = PURGE.chunkRows.value, maxChunks = PURGE.maxChunksPerRun.value } = {},
): Promise<number> {
  let purged = 0;
  for (let chunk = 0; chunk < maxChunks; chunk++) {
    const deleted = await store.purge(now, chunkRows);
    purged += deleted;
    if (deleted < chunkRows) break;
  }
  return purged;
}
