import { and, asc, eq, getTableColumns, getTableName, gt, gte, inArray, isNotNull, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import { D1_LIMITS } from "../../catalog/index.ts";
import { secrets, type SecretRow } from "../db/schema.ts";
import type { NewSecret, PeekResult, QueryInfo, QueryObserver, RevealOptions, RevealResult, SecretMetadata, SecretStore } from "./store.ts";

/** One SQL statement as drizzle renders it. */
export interface Statement {
  sql: string;
  params: unknown[];
}

/** What a driver hands back for one statement: raw rows keyed by SQL column name, plus what the database measured. */
export interface StatementResult {
  rows: Record<string, unknown>[];
  changes: number;
  serverMs?: number;
  rowsRead?: number;
  rowsWritten?: number;
  sizeAfter?: number;
}

/** The only thing that differs between D1 and libSQL: how a statement or an atomic batch is sent. */
export interface SqlDriver {
  run(statement: Statement): Promise<StatementResult>;
  /** Runs the statements in one transaction (D1 batch, libSQL write batch). */
  batch(statements: Statement[]): Promise<StatementResult[]>;
}

// drizzle is used as a query builder for both dialects; results come back raw so D1's meta is not lost.
type AnySqliteDb = BaseSQLiteDatabase<"async", any, any>;

const COLUMNS = getTableColumns(secrets);
type ColumnKey = keyof typeof COLUMNS;
const COLUMN_KEYS = Object.keys(COLUMNS) as ColumnKey[];

/** Rows per upsert statement, so the bound parameters stay under D1's per-query limit. */
const UPSERT_ROWS_PER_STATEMENT = Math.floor(D1_LIMITS.maxBoundParameters.value / COLUMN_KEYS.length);

function fromDb<K extends ColumnKey>(raw: Record<string, unknown>, keys: readonly K[]): Pick<SecretRow, K> {
  const out: Partial<SecretRow> = {};
  for (const key of keys) {
    const value = raw[COLUMNS[key].name];
    (out as Record<string, unknown>)[key] = value === undefined ? null : typeof value === "bigint" ? Number(value) : value;
  }
  return out as Pick<SecretRow, K>;
}

const live = (id: string, now: number) => and(eq(secrets.id, id), isNull(secrets.burnedAt), gt(secrets.expiresAt, now));

/**
 * The SecretStore written once in drizzle's SQLite dialect; D1SecretStore and LibsqlSecretStore only supply a driver.
 * Each public method is one round trip: a single statement or one transactional batch.
 */
export class SqlSecretStore implements SecretStore {
  constructor(
    protected readonly db: AnySqliteDb,
    private readonly driver: SqlDriver,
    private readonly observer?: QueryObserver,
  ) {}

  async create(secret: NewSecret): Promise<void> {
    await this.run("secrets.create", "write", this.db.insert(secrets).values({ ...secret, views: 0, burnedAt: null }));
  }

  async getMetadata(id: string, now: number): Promise<SecretMetadata | null> {
    const query = this.db
      .select({ id: secrets.id, createdAt: secrets.createdAt, expiresAt: secrets.expiresAt, maxViews: secrets.maxViews, views: secrets.views })
      .from(secrets)
      .where(live(id, now));
    const { rows } = await this.run("secrets.get_metadata", "read", query);
    return rows[0] ? fromDb(rows[0], ["id", "createdAt", "expiresAt", "maxViews", "views"]) : null;
  }

  /**
   * Counting and burning in one transaction: the conditional UPDATE can only succeed while views < max_views, so
   * concurrent reveals never over-count; the second statement drops the content once the last view is taken.
   * RETURNING yields the row after the first UPDATE, when the ciphertext is still there.
   */
  async reveal(id: string, now: number, options: RevealOptions = {}): Promise<RevealResult | null> {
    const countable = options.limitedOnly
      ? and(isNotNull(secrets.maxViews), lt(secrets.views, secrets.maxViews))
      : or(isNull(secrets.maxViews), lt(secrets.views, secrets.maxViews));
    const count = this.db
      .update(secrets)
      .set({ views: sql`${secrets.views} + 1` })
      .where(and(live(id, now), countable))
      .returning({ ciphertext: secrets.ciphertext, views: secrets.views, maxViews: secrets.maxViews });
    const burn = this.db
      .update(secrets)
      .set({ ciphertext: null, burnedAt: now })
      .where(and(eq(secrets.id, id), isNull(secrets.burnedAt), isNotNull(secrets.maxViews), gte(secrets.views, secrets.maxViews)));
    const [counted] = await this.batch("secrets.reveal", "write", [count, burn]);
    const raw = counted?.rows[0];
    if (!raw) return null;
    const row = fromDb(raw, ["ciphertext", "views", "maxViews"]);
    if (row.ciphertext === null) return null;
    return { ciphertext: row.ciphertext, views: row.views, maxViews: row.maxViews, burned: row.maxViews !== null && row.views >= row.maxViews };
  }

  async peekContent(id: string, now: number): Promise<PeekResult | null> {
    const query = this.db
      .select({ ciphertext: secrets.ciphertext, views: secrets.views, maxViews: secrets.maxViews, expiresAt: secrets.expiresAt })
      .from(secrets)
      .where(live(id, now));
    const { rows } = await this.run("secrets.peek_content", "read", query);
    if (!rows[0]) return null;
    const row = fromDb(rows[0], ["ciphertext", "views", "maxViews", "expiresAt"]);
    return row.ciphertext === null ? null : { ciphertext: row.ciphertext, views: row.views, maxViews: row.maxViews, expiresAt: row.expiresAt };
  }

  async addViews(counts: ReadonlyMap<string, number>, now: number): Promise<void> {
    const increments: Record<string, number> = {};
    for (const [id, n] of counts) if (Number.isSafeInteger(n) && n > 0) increments[id] = n;
    if (Object.keys(increments).length === 0) return;
    // One statement for any number of ids: the map travels as a single JSON parameter, unpacked by json_each.
    const json = JSON.stringify(increments);
    const query = this.db
      .update(secrets)
      .set({ views: sql`${secrets.views} + (select value from json_each(${json}) where key = ${secrets.id})` })
      .where(
        and(
          inArray(secrets.id, sql`(select key from json_each(${json}))`),
          isNull(secrets.maxViews),
          isNull(secrets.burnedAt),
          gt(secrets.expiresAt, now),
        ),
      );
    await this.run("secrets.add_views", "write", query);
  }

  async getDeleteTokenHash(id: string, now: number): Promise<string | null> {
    const query = this.db.select({ deleteTokenHash: secrets.deleteTokenHash }).from(secrets).where(live(id, now));
    const { rows } = await this.run("secrets.get_delete_token_hash", "read", query);
    return rows[0] ? fromDb(rows[0], ["deleteTokenHash"]).deleteTokenHash : null;
  }

  async burn(id: string, now: number): Promise<boolean> {
    const query = this.db.update(secrets).set({ ciphertext: null, burnedAt: now }).where(live(id, now));
    const { changes } = await this.run("secrets.burn", "write", query);
    return changes > 0;
  }

  async burnWithToken(id: string, deleteTokenHash: string, now: number): Promise<"burned" | "forbidden" | "not_found"> {
    // One transaction: the SELECT sees the row before the conditional UPDATE, so a wrong token reads as forbidden.
    const exists = this.db.select({ id: secrets.id }).from(secrets).where(live(id, now));
    const burn = this.db.update(secrets).set({ ciphertext: null, burnedAt: now }).where(and(live(id, now), eq(secrets.deleteTokenHash, deleteTokenHash)));
    const [found, burned] = await this.batch("secrets.burn_with_token", "write", [exists, burn]);
    if ((burned?.changes ?? 0) > 0) return "burned";
    return (found?.rows.length ?? 0) > 0 ? "forbidden" : "not_found";
  }

  async purge(now: number, limit: number): Promise<number> {
    const doomed = this.db
      .select({ id: secrets.id })
      .from(secrets)
      .where(or(lte(secrets.expiresAt, now), isNotNull(secrets.burnedAt)))
      .limit(limit);
    const { changes } = await this.run("secrets.purge", "write", this.db.delete(secrets).where(inArray(secrets.id, doomed)));
    return changes;
  }

  async ping(): Promise<void> {
    await this.run("db.ping", "read", { toSQL: () => ({ sql: "select 1", params: [] }) });
  }

  async idsWithPrefixes(prefixes: readonly string[]): Promise<string[]> {
    const wanted = [...new Set(prefixes.filter((p) => p.length > 0))];
    if (wanted.length === 0) return [];
    // The prefixes drive the loop, each one a range on the primary key: id >= prefix AND id < prefix || char(127)
    // (127 sorts after every base64url character), so no table scan whatever the table's size.
    const id = `s."${COLUMNS.id.name}"`;
    const text = `select ${id} as id from json_each(?) p join "${getTableName(secrets)}" s on ${id} >= p.value and ${id} < p.value || char(127)`;
    const { rows } = await this.run("secrets.ids_with_prefixes", "read", { toSQL: () => ({ sql: text, params: [JSON.stringify(wanted)] }) });
    return rows.map((r) => String(r.id));
  }

  async scan(afterId: string, limit: number): Promise<SecretRow[]> {
    const query = this.db.select().from(secrets).where(gt(secrets.id, afterId)).orderBy(asc(secrets.id)).limit(limit);
    const { rows } = await this.run("secrets.scan", "read", query);
    return rows.map((raw) => fromDb(raw, COLUMN_KEYS));
  }

  async upsertRows(rows: readonly SecretRow[]): Promise<void> {
    if (rows.length === 0) return;
    const excluded = Object.fromEntries(
      COLUMN_KEYS.filter((k) => k !== "id").map((k) => [k, sql.raw(`excluded."${COLUMNS[k].name}"`)]),
    );
    const statements = [];
    for (let i = 0; i < rows.length; i += UPSERT_ROWS_PER_STATEMENT) {
      const chunk = rows.slice(i, i + UPSERT_ROWS_PER_STATEMENT);
      statements.push(this.db.insert(secrets).values([...chunk]).onConflictDoUpdate({ target: secrets.id, set: excluded }));
    }
    await this.batch("secrets.upsert_rows", "write", statements);
  }

  private async run(name: string, operation: QueryInfo["operation"], query: { toSQL(): Statement }): Promise<StatementResult> {
    const [result] = await this.batch(name, operation, [query]);
    return result!;
  }

  private async batch(name: string, operation: QueryInfo["operation"], queries: { toSQL(): Statement }[]): Promise<StatementResult[]> {
    const statements = queries.map((q) => q.toSQL());
    const started = performance.now();
    const results = statements.length === 1 ? [await this.driver.run(statements[0]!)] : await this.driver.batch(statements);
    this.report(name, operation, statements.length, performance.now() - started, results);
    return results;
  }

  private report(name: string, operation: QueryInfo["operation"], statements: number, clientMs: number, results: StatementResult[]): void {
    if (!this.observer) return;
    const sum = (key: "serverMs" | "rowsRead" | "rowsWritten") =>
      results.some((r) => r[key] !== undefined) ? results.reduce((acc, r) => acc + (r[key] ?? 0), 0) : undefined;
    const info: QueryInfo = { name, operation, statements, clientMs };
    const serverMs = sum("serverMs");
    const rowsRead = sum("rowsRead");
    const rowsWritten = sum("rowsWritten");
    const sizeAfter = results.at(-1)?.sizeAfter;
    if (serverMs !== undefined) info.serverMs = serverMs;
    if (rowsRead !== undefined) info.rowsRead = rowsRead;
    if (rowsWritten !== undefined) info.rowsWritten = rowsWritten;
    if (sizeAfter !== undefined) info.sizeAfter = sizeAfter;
    try {
      this.observer(info);
    } catch {
      // An observer is telemetry: it must never break a request.
    }
  }
}
