import { D1_LIMITS, type MigrationTargetId } from "../../catalog/index.ts";

/** One D1-specific construct worth knowing about before a migration, with what to do per target. */
export interface D1Pattern {
  id: string;
  title: string;
  /** Tested against each line; SQL patterns are case-insensitive. */
  regex: RegExp;
  /** Limit a pattern to code or SQL files. */
  files?: "ts" | "sql";
  why: string;
  advice: Record<MigrationTargetId, string>;
}

const MAX_PARAMS = D1_LIMITS.maxBoundParameters.value;

export const D1_PATTERNS: readonly D1Pattern[] = [
  {
    id: "d1-batch", title: "D1 batch()", regex: /\.batch\s*\(/,
    why: "D1 has no interactive transactions; batch() is its only atomic multi-statement unit",
    advice: {
      turso: "libSQL's client.batch(stmts, \"write\") has the same all-or-nothing semantics; drizzle-orm/libsql keeps db.batch().",
      planetscale: "Wrap the statements in db.transaction(async (tx) => ...); PlanetScale supports interactive transactions.",
      neon: "Use db.transaction() (neon-serverless Pool) or neon-http's sql.transaction([...]) for a non-interactive batch.",
    },
  },
  {
    id: "pragma", title: "PRAGMA", regex: /\bPRAGMA\b/i,
    why: "D1 allows only a subset of PRAGMAs (e.g. table_info, foreign_keys)",
    advice: {
      turso: "libSQL accepts SQLite PRAGMAs; drop any D1 workarounds.",
      planetscale: "No PRAGMA in MySQL: use information_schema / SHOW statements, and note PlanetScale has no foreign key constraints by default.",
      neon: "No PRAGMA in Postgres: use information_schema / pg_catalog and SET for session settings.",
    },
  },
  {
    id: "autoincrement", title: "AUTOINCREMENT", regex: /\bAUTOINCREMENT\b|autoIncrement\s*:\s*true/i,
    why: "SQLite AUTOINCREMENT keeps a sqlite_sequence table; ids are integers assigned by the primary",
    advice: {
      turso: "Works as is.",
      planetscale: "Use BIGINT AUTO_INCREMENT (mysql-core serial()); prefer app-generated ids for sharding.",
      neon: "Use GENERATED ALWAYS AS IDENTITY (pg-core integer().generatedAlwaysAsIdentity()) or app-generated ids.",
    },
  },
  {
    id: "integer-boolean", title: "Booleans stored as INTEGER 0/1",
    regex: /mode\s*:\s*["']boolean["']|CHECK\s*\(\s*\S+\s+IN\s*\(\s*0\s*,\s*1\s*\)\s*\)|\bINTEGER\b[^,]*\bDEFAULT\s+(?:0|1)\b(?=[^,]*(?:is_|has_|enabled|flag))/i,
    why: "SQLite has no boolean type; D1 returns 0/1 numbers",
    advice: {
      turso: "Same representation; nothing to change.",
      planetscale: "MySQL BOOLEAN is TINYINT(1): drizzle mysql-core boolean() maps it back; check raw queries comparing to 0/1.",
      neon: "Use a real boolean column; cast during import (col::int::boolean) and fix raw SQL that compares with 0/1.",
    },
  },
  {
    id: "text-timestamp", title: "Timestamps as TEXT or SQLite date functions",
    regex: /mode\s*:\s*["']timestamp(?:_ms)?["']|\b(?:datetime|strftime|julianday|unixepoch)\s*\(|CURRENT_TIMESTAMP|text\(\s*["'][a-z_]*(?:_at|date|time)["']/i,
    why: "SQLite stores dates as TEXT or numbers and computes them with its own date functions",
    advice: {
      turso: "Same functions and storage; nothing to change.",
      planetscale: "Use DATETIME(3)/TIMESTAMP columns or keep epoch-ms BIGINT; replace strftime/datetime with MySQL's DATE_FORMAT/NOW(3).",
      neon: "Use timestamptz or keep epoch-ms bigint; replace SQLite date functions with now(), to_timestamp(), date_trunc().",
    },
  },
  {
    id: "json-text", title: "JSON stored in TEXT", regex: /mode\s*:\s*["']json["']|\bjson_(?:extract|each|tree|set|insert|replace|object|array|group_array|valid)\s*\(|->>/i,
    why: "SQLite keeps JSON as TEXT and queries it with json_* functions",
    advice: {
      turso: "libSQL has the same json_* functions.",
      planetscale: "Use a JSON column and JSON_EXTRACT / ->> (MySQL syntax differs for paths: '$.key').",
      neon: "Use jsonb and its operators (->, ->>, @>); index with GIN where queried.",
    },
  },
  {
    id: "bound-parameters", title: `Statements whose parameter count grows with input (D1 allows ${MAX_PARAMS})`,
    regex: /\binArray\s*\(|\.values\s*\(\s*(?!\{)[A-Za-z_$][\w$.]*\s*\)|\.map\(\s*\(\)\s*=>\s*["'`]\?["'`]\s*\)|sql\.join\s*\(/,
    files: "ts",
    why: `D1 rejects a statement with more than ${MAX_PARAMS} bound parameters, so such queries must be chunked`,
    advice: {
      turso: "libSQL allows up to 32766 parameters (SQLite default); the chunking can stay or be widened.",
      planetscale: "MySQL allows 65535 placeholders; the chunking can be widened, keep it for statement-size limits.",
      neon: "Postgres allows 65535 parameters; or pass one array parameter (= ANY($1)).",
    },
  },
  {
    id: "returning", title: "RETURNING", regex: /\bRETURNING\b|\.returning\s*\(/i,
    why: "Used to read and write in one statement, since D1 has no interactive transaction",
    advice: {
      turso: "Supported (SQLite 3.35+).",
      planetscale: "MySQL has no RETURNING: do the UPDATE, then SELECT by primary key inside one transaction (SELECT ... FOR UPDATE first for the atomic view count).",
      neon: "Supported; UPDATE ... RETURNING stays atomic.",
    },
  },
  {
    id: "upsert", title: "SQLite upsert / INSERT OR REPLACE", regex: /\bINSERT\s+OR\s+(?:REPLACE|IGNORE)\b|\bON\s+CONFLICT\b|onConflictDo(?:Update|Nothing)\s*\(/i,
    why: "SQLite conflict clauses",
    advice: {
      turso: "Same syntax.",
      planetscale: "Use INSERT ... ON DUPLICATE KEY UPDATE (drizzle mysql-core onDuplicateKeyUpdate()).",
      neon: "ON CONFLICT works; INSERT OR REPLACE does not: rewrite as ON CONFLICT (id) DO UPDATE.",
    },
  },
  {
    id: "restricted-function", title: "Functions or statements D1 restricts",
    regex: /\bsqlite_(?:version|source_id|compileoption_\w+)\s*\(|\bload_extension\s*\(|\bATTACH\s+DATABASE\b|\bVACUUM\b|\bsqlite_master\b|\bsqlite_schema\b/i,
    why: "D1 rejects sqlite_version(), extensions, ATTACH and VACUUM, and hides internal tables",
    advice: {
      turso: "libSQL allows them; remove D1 workarounds if any.",
      planetscale: "Use VERSION(), information_schema; no extensions.",
      neon: "Use version(), pg_catalog; extensions via CREATE EXTENSION.",
    },
  },
  {
    id: "last-insert", title: "changes() / last_insert_rowid()", regex: /\b(?:changes|last_insert_rowid|total_changes)\s*\(\s*\)/i,
    why: "SQLite connection-level functions",
    advice: {
      turso: "Same functions; the client also returns rowsAffected / lastInsertRowid.",
      planetscale: "Use ROW_COUNT() / LAST_INSERT_ID() or the driver's rowsAffected / insertId.",
      neon: "Use RETURNING or the driver's rowCount.",
    },
  },
  {
    id: "d1-meta", title: "D1 result metadata (meta.*)", regex: /\bmeta\s*\??\.\s*(?:size_after|rows_read|rows_written|duration|changes|last_row_id|served_by|changed_db)\b/,
    files: "ts",
    why: "D1-only statement metadata (size, rows read/written) used for metrics and logic",
    advice: {
      turso: "libSQL returns rowsAffected and lastInsertRowid only: size and row metrics come from Turso's platform API instead.",
      planetscale: "Use the driver's rowsAffected/insertId; size from PlanetScale's metrics.",
      neon: "Use rowCount; size via pg_database_size().",
    },
  },
  {
    id: "drizzle-d1", title: "drizzle-orm D1 driver or SQLite schema", regex: /["']drizzle-orm\/(?:d1|sqlite-core|sqlite-proxy)["']/,
    files: "ts",
    why: "The ORM binds to D1 and SQLite column types",
    advice: {
      turso: "Switch drizzle-orm/d1 to drizzle-orm/libsql; sqlite-core schema stays.",
      planetscale: "drizzle-orm/planetscale-serverless and a mysql-core schema (drizzle-kit generate for MySQL).",
      neon: "drizzle-orm/neon-http (or neon-serverless) and a pg-core schema (drizzle-kit generate for Postgres).",
    },
  },
  {
    id: "d1-binding", title: "D1 binding (env.DB / D1Database)", regex: /\benv\s*\.\s*DB\b|\bD1Database\b|\bD1PreparedStatement\b|\bD1Result\b/,
    files: "ts",
    why: "The Worker reaches the database through a binding, not a URL and credentials",
    advice: {
      turso: "Build the store from a libSQL URL and auth token in secrets (TURSO_DATABASE_URL / TURSO_AUTH_TOKEN); @libsql/client/web in Workers.",
      planetscale: "Connection URL in secrets and @planetscale/database (fetch-based) in Workers.",
      neon: "DATABASE_URL secret with @neondatabase/serverless, or Hyperdrive in front of Neon.",
    },
  },
  {
    id: "d1-migrations", title: "wrangler D1 migrations", regex: /\bd1_migrations\b|wrangler\s+d1\s+migrations|\bmigrations_dir\b|\breadD1Migrations\b|\bapplyD1Migrations\b/,
    why: "Migration state lives in D1's d1_migrations table, applied by wrangler",
    advice: {
      turso: "Apply the same SQL with drizzle-kit migrate (tracked in __drizzle_migrations); mark already-applied ones.",
      planetscale: "Regenerate migrations for MySQL; use PlanetScale branches and deploy requests.",
      neon: "Regenerate migrations for Postgres; Neon branches for previews.",
    },
  },
];
