import { readdir, readFile } from "node:fs/promises";
import { extname, join, relative } from "node:path";
import type { MigrationTargetId } from "../../catalog/index.ts";
import { D1_PATTERNS, type D1Pattern } from "./patterns.ts";

export interface Finding {
  pattern: string;
  title: string;
  file: string;
  line: number;
  text: string;
  why: string;
  advice: string;
}

const CODE_EXT = new Set([".ts", ".tsx", ".js", ".mjs", ".cjs"]);
const SQL_EXT = new Set([".sql"]);
const SKIP_DIRS = new Set(["node_modules", ".wrangler", ".git", ".build", "dist", "meta"]);

async function* walk(dir: string): AsyncGenerator<string> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) yield* walk(p);
    } else if (CODE_EXT.has(extname(e.name)) || SQL_EXT.has(extname(e.name))) yield p;
  }
}

const isTest = (file: string) => /\.test\.[cm]?[jt]sx?$/.test(file) || /(^|\/)test\//.test(file);

function applies(p: D1Pattern, file: string): boolean {
  const sql = SQL_EXT.has(extname(file));
  return !p.files || (p.files === "sql") === sql;
}

/** A line's text for the report: trimmed and shortened; never more than a code excerpt. */
const excerpt = (s: string) => {
  const t = s.trim().replace(/\s+/g, " ");
  return t.length > 120 ? `${t.slice(0, 117)}...` : t;
};

/** Durable Object SQLite (ctx.storage.sql) is the object's own database: it does not move off D1. */
const DO_SQLITE = /\b(?:ctx|state)\.storage\.sql\b|\bthis\.sql\.exec\b|\bstorage\.sql\.exec\b/;
/** The libSQL target's own code is where the data goes, not what has to change. */
const LIBSQL = /from\s+["'](?:@libsql\/|drizzle-orm\/libsql|libsql["'])/;
/** Code that reaches D1: its binding type or calls, drizzle's D1 driver or SQLite schema, the D1 store classes. */
const D1_CODE = /\bD1Database\b|\bD1SecretStore\b|\bSqlSecretStore\b|drizzle-orm\/d1\b|drizzle-orm\/sqlite-core\b|\benv\.[A-Z][A-Z0-9_]*\.(?:prepare|batch|exec|dump)\s*\(|\benv\.DB\b/;

export interface Skipped {
  file: string;
  reason: string;
}

/** Whether a file talks to D1: SQL migrations do (wrangler applies them to D1); code only when it reaches D1. */
export function talksToD1(file: string, text: string): { d1: true } | { d1: false; reason: string } {
  if (SQL_EXT.has(extname(file))) return { d1: true };
  if (file.endsWith(".d.ts")) return { d1: false, reason: "generated type declarations" };
  if (DO_SQLITE.test(text)) return { d1: false, reason: "Durable Object SQLite storage, not D1" };
  if (LIBSQL.test(text)) return { d1: false, reason: "the libSQL target's own code" };
  if (!D1_CODE.test(text)) return { d1: false, reason: "does not use D1" };
  return { d1: true };
}

/** Prose about D1 is not D1 usage. */
const isComment = (line: string, sql: boolean) => (sql ? /^\s*--/ : /^\s*(\/\/|\/\*|\*)/).test(line);

export interface ScanOptions {
  root: string;
  dirs: readonly string[];
  target: MigrationTargetId;
  includeTests?: boolean;
}

/**
 * Reads the code and SQL under `dirs` that talks to D1 (talksToD1) and lists every D1-specific construct with
 * file:line; the files passed over are returned with the reason.
 */
export async function scanForPatterns(opts: ScanOptions): Promise<{ files: number; findings: Finding[]; skipped: Skipped[] }> {
  const findings: Finding[] = [];
  const skipped: Skipped[] = [];
  let files = 0;
  for (const dir of opts.dirs) {
    for await (const file of walk(join(opts.root, dir))) {
      const rel = relative(opts.root, file);
      if (!opts.includeTests && isTest(rel)) continue;
      const content = await readFile(file, "utf8");
      const d1 = talksToD1(rel, content);
      if (!d1.d1) {
        skipped.push({ file: rel, reason: d1.reason });
        continue;
      }
      files++;
      const lines = content.split("\n");
      const sqlFile = SQL_EXT.has(extname(file));
      lines.forEach((text, i) => {
        if (isComment(text, sqlFile)) return;
        for (const p of D1_PATTERNS) {
          if (applies(p, file) && p.regex.test(text)) {
            findings.push({ pattern: p.id, title: p.title, file: rel, line: i + 1, text: excerpt(text), why: p.why, advice: p.advice[opts.target] });
          }
        }
      });
    }
  }
  return { files, findings, skipped };
}
