import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { CIPHERTEXT_MAX_BYTES, MIGRATE_COPY_CHUNK, MIGRATE_SCAN_BYTES } from "../../catalog/index.ts";
import { createLibsqlStore } from "../../libsql/libsql-store.ts";
import { REPO } from "../test/local-d1-fixture.ts";
import { rowsPerScan } from "./checksum.ts";

const ROWS = 5_000;
const MB = 1024 * 1024;
/** The child's V8 heap limit: a pass holding 5,000 rows of 64 KiB (~330 MB) at once cannot fit; bounded scans can. */
const HEAP_LIMIT_MB = 160;
let dir: string;
let url: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "moltsecret-digest-"));
  url = `file:${join(dir, "big.db")}`;
  const store = await createLibsqlStore(url);
  try {
    // Rows made inside SQLite: the largest ciphertext the API accepts, 5,000 times.
    for (let from = 0; from < ROWS; from += 500) {
      await store.client.execute({
        sql: `WITH RECURSIVE k(x) AS (SELECT ?1 UNION ALL SELECT x + 1 FROM k WHERE x + 1 < ?2)
              INSERT INTO secrets (id, ciphertext, delete_token_hash, created_at, expires_at, max_views, views)
              SELECT lower(hex(randomblob(16))), substr(hex(randomblob(?3 / 2)), 1, ?3), lower(hex(randomblob(32))), 1, 2, 1, 0 FROM k`,
        args: [from, Math.min(ROWS, from + 500), CIPHERTEXT_MAX_BYTES.value],
      });
    }
  } finally {
    store.close();
  }
}, 120_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it("scans never ask for more rows than fit MIGRATE_SCAN_BYTES at the largest row size", () => {
  expect(rowsPerScan(MIGRATE_COPY_CHUNK.value) * CIPHERTEXT_MAX_BYTES.value).toBeLessThanOrEqual(MIGRATE_SCAN_BYTES.value);
  expect(rowsPerScan(5)).toBe(5);
  expect(rowsPerScan(1)).toBe(1);
});

it(`the checksum pass over ${ROWS} rows of ${CIPHERTEXT_MAX_BYTES.value / 1024} KiB stays in bounded memory (child heap limit ${HEAP_LIMIT_MB} MB)`, async () => {
  // The old pass asked for chunkRows x 5 = 5,000 rows per scan: every row at once.
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [`--max-old-space-size=${HEAP_LIMIT_MB}`, "--import", "tsx", join(REPO, "cli/migrate/test/digest-memory.ts"), url, String(MIGRATE_COPY_CHUNK.value)],
    { cwd: REPO, timeout: 120_000, maxBuffer: MB },
  );
  const r = JSON.parse(stdout) as { digest: { rows: number }; baselineRss: number; baselineHeap: number; peakRss: number; peakHeap: number };
  console.log(JSON.stringify({ rows: r.digest.rows, peakRssMB: +(r.peakRss / MB).toFixed(1), peakHeapMB: +(r.peakHeap / MB).toFixed(1), baselineHeapMB: +(r.baselineHeap / MB).toFixed(1) }));
  expect(r.digest.rows).toBe(ROWS);
  // Live data at any time: a few scans of MIGRATE_SCAN_BYTES, far from the table's 330 MB.
  expect(r.peakHeap - r.baselineHeap).toBeLessThan(6 * MIGRATE_SCAN_BYTES.value);
}, 180_000);
