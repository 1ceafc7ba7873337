import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";

// drizzle-kit only accepts an out folder relative to the project, so the scratch copy lives in the ignored .cache/.
mkdirSync(".cache", { recursive: true });
const tmp = mkdtempSync(join(".cache", "migrations-check-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const list = (dir: string) => readdirSync(dir, { recursive: true }).map(String).sort();

it("migrations/ is up to date with worker/db/schema.ts (drizzle-kit generate adds nothing)", () => {
  const out = join(tmp, "migrations");
  cpSync("migrations", out, { recursive: true });
  const before = list(out);
  const log = execFileSync("npx", ["drizzle-kit", "generate", "--dialect", "sqlite", "--schema", "worker/db/schema.ts", "--out", out], { encoding: "utf8" });
  expect(list(out), `schema changed without a migration: run npm run db:generate\n${log}`).toEqual(before);
  expect(log).toMatch(/nothing to migrate/i);
  expect(before.some((f) => f.endsWith(".sql"))).toBe(true);
});
