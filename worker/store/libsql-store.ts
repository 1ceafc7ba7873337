import { fileURLToPath } from "node:url";
import { createClient, type Client, type InValue, type ResultSet } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import { SqlSecretStore, type SqlDriver, type Statement, type StatementResult } from "./sql-store.ts";
import type { QueryObserver } from "./store.ts";

/** The same folder wrangler applies to D1 (drizzle-kit output). */
export const MIGRATIONS_DIR = fileURLToPath(new URL("../../migrations", import.meta.url));

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
