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

/** Prose about D1 is not D1 usage. */
const isComment = (line: string, sql: boolean) => (sql ? /^\s*--/ : /^\s*(\/\/|\/\*|\*)/).test(line);

export interface ScanOptions {
  root: string;
  dirs: readonly string[];
  target: MigrationTargetId;
  includeTests?: boolean;
}

/** Reads the code and SQL under `dirs` and lists every D1-specific construct with file:line. */
export async function scanForPatterns(opts: ScanOptions): Promise<{ files: number; findings: Finding[] }> {
  const findings: Finding[] = [];
  let files = 0;
  for (const dir of opts.dirs) {
    for await (const file of walk(join(opts.root, dir))) {
      const rel = relative(opts.root, file);
      if (!opts.includeTests && isTest(rel)) continue;
      files++;
      const lines = (await readFile(file, "utf8")).split("\n");
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
  return { files, findings };
}
