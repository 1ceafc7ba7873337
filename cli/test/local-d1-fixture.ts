import { execFile } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { openLocalD1 } from "../sources/local-d1.ts";
import { readWranglerConfig } from "../sources/wrangler-config.ts";

const run = promisify(execFile);

export const REPO = resolve(import.meta.dirname, "../..");
export const WRANGLER_TOML = join(REPO, "wrangler.toml");
const WRANGLER_BIN = join(REPO, "node_modules/.bin/wrangler");
const DAY = 86_400_000;

/** A fresh --persist-to dir with the repo's migrations applied by wrangler, as `npm run db:migrate:local` does. */
export async function createMigratedState(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "moltsecret-state-"));
  await run(WRANGLER_BIN, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", dir, "-c", WRANGLER_TOML], {
    cwd: REPO, env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" }, timeout: 60_000,
  });
  return dir;
}

export interface FillOptions {
  rows: number;
  ciphertextBytes: number;
  /** Creation times spread evenly over this many days ending at `now`. */
  days: number;
  now: number;
}

/**
 * Generated secrets written by D1 itself: a recursive CTE makes the rows inside the database, so tens of MB take
 * seconds instead of shipping every byte through the binding. Creation times are spread evenly over `days`.
 * Returns D1's own meta.size_after after the last write.
 */
export async function fillSecrets(persistTo: string, o: FillOptions): Promise<{ sizeAfter: number }> {
  const info = await readWranglerConfig(WRANGLER_TOML);
  const local = await openLocalD1(info, persistTo);
  try {
    const start = o.now - o.days * DAY;
    const span = o.days * DAY;
    const perStatement = 2000;
    let sizeAfter = 0;
    for (let from = 0; from < o.rows; from += perStatement) {
      const to = Math.min(o.rows, from + perStatement);
      const r = await local.db
        .prepare(
          `WITH RECURSIVE k(x) AS (SELECT ?1 UNION ALL SELECT x + 1 FROM k WHERE x + 1 < ?2)
           INSERT INTO secrets (id, ciphertext, delete_token_hash, created_at, expires_at, max_views, views, burned_at)
           SELECT lower(hex(randomblob(16))), substr(hex(randomblob((?3 + 1) / 2)), 1, ?3), lower(hex(randomblob(32))),
                  ?4 + ((x + 1) * ?5) / ?6 - 1, ?4 + ((x + 1) * ?5) / ?6 - 1 + ${DAY},
                  CASE WHEN x % 3 = 0 THEN NULL ELSE 1 + x % 5 END, 0,
                  CASE WHEN x % 50 = 0 THEN ?4 + ((x + 1) * ?5) / ?6 + 999 ELSE NULL END
           FROM k`,
        )
        .bind(from, to, o.ciphertextBytes, start, span, o.rows)
        .run();
      sizeAfter = Number(r.meta.size_after);
    }
    return { sizeAfter };
  } finally {
    await local.dispose();
  }
}
