import { drizzle } from "drizzle-orm/d1";
import { SqlSecretStore, type SqlDriver, type Statement, type StatementResult } from "./sql-store.ts";
import type { QueryObserver } from "./store.ts";

function fromD1(result: D1Result<Record<string, unknown>>): StatementResult {
  const { meta } = result;
  return {
    rows: result.results ?? [],
    changes: meta.changes ?? 0,
    serverMs: meta.duration,
    rowsRead: meta.rows_read,
    rowsWritten: meta.rows_written,
    sizeAfter: meta.size_after,
  };
}

/** Sends statements through the D1 binding directly, so every result keeps D1's meta (duration, rows, size). */
export class D1Driver implements SqlDriver {
  constructor(private readonly d1: D1Database) {}

  private prepare({ sql, params }: Statement): D1PreparedStatement {
    return this.d1.prepare(sql).bind(...params);
  }

  async run(statement: Statement): Promise<StatementResult> {
    return fromD1(await this.prepare(statement).run<Record<string, unknown>>());
  }

  async batch(statements: Statement[]): Promise<StatementResult[]> {
    const results = await this.d1.batch<Record<string, unknown>>(statements.map((s) => this.prepare(s)));
    return results.map(fromD1);
  }
}

/** The secrets store on Cloudflare D1 (drizzle-orm/d1). A D1 batch is a transaction. */
export class D1SecretStore extends SqlSecretStore {
  constructor(d1: D1Database, observer?: QueryObserver) {
    super(drizzle(d1), new D1Driver(d1), observer);
  }
}
