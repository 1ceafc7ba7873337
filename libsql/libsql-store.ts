import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient, type Client, type InValue, type ResultSet } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import { SqlSecretStore, type SqlDriver, type Statement, type StatementResult } from "../worker/store/sql-store.ts";
import type { QueryObserver } from "../worker/store/store.ts";

/**
 * The same folder wrangler applies to D1 (drizzle-kit output): the nearest migrations/ above this module. Searched,
 * not fixed, because the CLI runs this module from its bundle (.cache/cli-b-*), one level deeper than libsql/.
 */
export const MIGRATIONS_DIR = nearestMigrations(dirname(fileURLToPath(import.meta.url)));

function nearestMigrations(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "migrations", "meta", "_journal.json"))) return join(dir, "migrations");
    if (dirname(dir) === dir) throw new Error(`no migrations/ folder above ${from}`);
  }
}

/** Concurrent writers on one file wait this long for the lock instead of failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5_000;

function fromLibsql(result: ResultSet): StatementResult {
  return {
    rows: result.rows as unknown as Record<string, unknown>[],
    changes: result.rowsAffected,
    rowsWritten: result.rowsAffected,
  };
}

export class LibsqlDriver implements SqlDriver {
  constructor(private readonly client: Client) {}

  async run({ sql, params }: Statement): Promise<StatementResult> {
    return fromLibsql(await this.client.execute({ sql, args: params as InValue[] }));
  }

  async batch(statements: Statement[]): Promise<StatementResult[]> {
    const results = await this.client.batch(
      statements.map(({ sql, params }) => ({ sql, args: params as InValue[] })),
      "write",
    );
    return results.map(fromLibsql);
  }
}

/** The secrets store on libSQL / Turso (drizzle-orm/libsql); a write batch is a transaction. */
export class LibsqlSecretStore extends SqlSecretStore {
  constructor(readonly client: Client, observer?: QueryObserver) {
    super(drizzle(client), new LibsqlDriver(client), observer);
  }

  close(): void {
    this.client.close();
  }
}

/**
 * Opens a libSQL database (`file:` path locally, `libsql://` for Turso), applies the drizzle-kit migrations
 * from migrations/, and returns the store.
 */
export async function createLibsqlStore(url: string, options: { authToken?: string; observer?: QueryObserver } = {}): Promise<LibsqlSecretStore> {
  const client = createClient(options.authToken ? { url, authToken: options.authToken } : { url });
  if (url.startsWith("file:")) await client.execute(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_DIR });
  return new LibsqlSecretStore(client, options.observer);
}
