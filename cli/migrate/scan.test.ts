import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "../test/local-d1-fixture.ts";
import { runCli } from "../test/capture.ts";
import { D1_PATTERNS } from "./patterns.ts";
import { scanForPatterns } from "./scan.ts";

const CODE = [
  'import { drizzle } from "drizzle-orm/d1";', // 1 drizzle-d1
  "export async function go(env: Env, ids: string[]) {", // 2
  "  const db = env.DB;", // 3 d1-binding
  "  await env.DB.batch([a, b]);", // 4 d1-binding + d1-batch
  "  await db.select().from(t).where(inArray(t.id, ids));", // 5 bound-parameters
  '  const r = await env.DB.prepare("UPDATE t SET n = n + 1 RETURNING n").run();', // 6 d1-binding + returning
  "  console.log(r.meta.size_after);", // 7 d1-meta
  '  const flag = integer("enabled", { mode: "boolean" });', // 8 integer-boolean
  '  const doc = text("doc", { mode: "json" });', // 9 json-text
  '  await db.run(sql`select sqlite_version()`);', // 10 restricted-function
  "  return 1;", // 11 nothing
  "}",
].join("\n");

const SQL = [
  "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, created text DEFAULT CURRENT_TIMESTAMP);", // 1 autoincrement + text-timestamp
  "PRAGMA foreign_keys = ON;", // 2 pragma
  "INSERT OR REPLACE INTO t (id) VALUES (1);", // 3 upsert
  "SELECT json_extract(doc, '$.a') FROM t;", // 4 json-text
  "CREATE TABLE u (id TEXT);", // 5 nothing
].join("\n");

async function fixture(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "moltsecret-scan-"));
  await mkdir(join(root, "worker/db"), { recursive: true });
  await mkdir(join(root, "migrations"), { recursive: true });
  await writeFile(join(root, "worker/db/queries.ts"), CODE);
  await writeFile(join(root, "worker/db/queries.test.ts"), "await env.DB.batch([])");
  await writeFile(join(root, "migrations/0000_init.sql"), SQL);
  return root;
}

describe("migrate plan: D1-specific pattern scan", () => {
  it("finds each pattern at its file:line in fixture files, and nothing on clean lines", async () => {
    const root = await fixture();
    const { files, findings } = await scanForPatterns({ root, dirs: ["worker", "migrations"], target: "planetscale" });
    expect(files).toBe(2);
    const at = (file: string) => findings.filter((f) => f.file === file).map((f) => `${f.line}:${f.pattern}`).sort();
    expect(at("worker/db/queries.ts")).toEqual([
      "10:restricted-function", "1:drizzle-d1", "3:d1-binding", "4:d1-batch", "4:d1-binding", "5:bound-parameters",
      "6:d1-binding", "6:returning", "7:d1-meta", "8:integer-boolean", "9:json-text",
    ].sort());
    expect(at("migrations/0000_init.sql")).toEqual(["1:autoincrement", "1:text-timestamp", "2:pragma", "3:upsert", "4:json-text"].sort());
    const returning = findings.find((f) => f.pattern === "returning")!;
    expect(returning.advice).toBe(D1_PATTERNS.find((p) => p.id === "returning")!.advice.planetscale);
    expect(returning.advice).toMatch(/no RETURNING/);
  });

  it("skips tests unless asked", async () => {
    const root = await fixture();
    const { findings } = await scanForPatterns({ root, dirs: ["worker"], target: "turso", includeTests: true });
    expect(findings.some((f) => f.file === "worker/db/queries.test.ts")).toBe(true);
  });

  it("passes over code that does not talk to D1: Durable Object SQLite, the libSQL target, type declarations", async () => {
    const root = await fixture();
    await writeFile(join(root, "worker/db/counter.ts"), 'export class C extends DurableObject {\n  go() { this.ctx.storage.sql.exec("INSERT INTO t VALUES (1) ON CONFLICT (k) DO UPDATE SET n = n + 1 RETURNING n"); }\n}');
    await writeFile(join(root, "worker/db/libsql.ts"), 'import { drizzle } from "drizzle-orm/libsql";\nconst q = "INSERT INTO t VALUES (1) ON CONFLICT (k) DO NOTHING RETURNING id";');
    await writeFile(join(root, "worker/db/types.d.ts"), "interface Env { DB: D1Database }");
    await writeFile(join(root, "worker/db/kv.ts"), 'const q = "SELECT 1 RETURNING x"; await env.KV.get("k");');
    const { files, findings, skipped } = await scanForPatterns({ root, dirs: ["worker", "migrations"], target: "turso" });
    expect(files).toBe(2);
    expect(new Set(findings.map((f) => f.file))).toEqual(new Set(["worker/db/queries.ts", "migrations/0000_init.sql"]));
    expect(skipped).toEqual(expect.arrayContaining([
      { file: "worker/db/counter.ts", reason: "Durable Object SQLite storage, not D1" },
      { file: "worker/db/libsql.ts", reason: "the libSQL target's own code" },
      { file: "worker/db/types.d.ts", reason: "generated type declarations" },
      { file: "worker/db/kv.ts", reason: "does not use D1" },
    ]));
  });

  it("scans the real repository and reports the store's D1 code with target advice", async () => {
    const { code, stdout } = await runCli(["migrate", "plan", "--to", "neon", "--json", "--root", REPO]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { filesScanned: number; findings: { pattern: string; file: string; line: number; advice: string }[] };
    expect(report.filesScanned).toBeGreaterThan(3);
    const d1Import = report.findings.find((f) => f.pattern === "drizzle-d1" && f.file === "worker/store/d1-store.ts");
    expect(d1Import?.advice).toMatch(/neon-http/);
    expect(report.findings.some((f) => f.pattern === "d1-batch")).toBe(true);
    expect(report.findings.every((f) => f.line > 0 && !f.file.endsWith(".test.ts"))).toBe(true);
    // The Durable Objects' own SQLite is not D1 code.
    const files = new Set(report.findings.map((f) => f.file));
    for (const f of ["worker/rate-limit/rate-limiter.ts", "worker/view-counting/view-counter.ts", "worker/worker-configuration.d.ts"]) expect(files.has(f), f).toBe(false);
    expect(files.has("worker/store/d1-store.ts")).toBe(true);
  });

  it("prints file:line and the advice for the chosen target in text", async () => {
    const root = await fixture();
    const { code, stdout } = await runCli(["migrate", "plan", "--to", "turso", "--root", root]);
    expect(code).toBe(0);
    expect(stdout).toContain("worker/db/queries.ts:4");
    expect(stdout).toContain("drizzle-orm/libsql");
  });
});
