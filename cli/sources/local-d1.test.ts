import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CapacityReport } from "../capacity/report.ts";
import { runCli } from "../test/capture.ts";
import { createMigratedState, fillSecrets, REPO } from "../test/local-d1-fixture.ts";

const ROWS = 10_000;
const DAYS = 20;
const NOW = Date.parse("2026-11-27T00:00:00Z");

let state: string;
let sizeAfter: number;

beforeAll(async () => {
  state = await createMigratedState();
  ({ sizeAfter } = await fillSecrets(state, { rows: ROWS, ciphertextBytes: 3000, days: DAYS, now: NOW }));
});
afterAll(async () => {
  if (state) await rm(state, { recursive: true, force: true });
});

describe("capacity on a real local D1 (wrangler's local state, tens of MB)", () => {
  it("reports D1's own size figure, the row counts and a projection from creation times", async () => {
    const { code, stdout, stderr } = await runCli(["capacity", "--json", "--persist-to", state, "--now", new Date(NOW).toISOString()], {}, REPO);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const r = JSON.parse(stdout) as CapacityReport;
    expect(r.source).toBe("local");
    expect(r.database.sizeBytes).toBe(sizeAfter);
    expect(r.database.sizeBytes).toBeGreaterThan(30e6);
    // The database file on disk (plus its WAL) holds at least the pages D1 counts.
    const dir = join(state, "v3/d1/miniflare-D1DatabaseObject");
    const files = (await readdir(dir)).filter((f) => !f.startsWith("metadata"));
    const onDisk = (await Promise.all(files.map((f) => stat(join(dir, f))))).reduce((a, s) => a + s.size, 0);
    expect(onDisk).toBeGreaterThanOrEqual(r.database.sizeBytes * 0.99);
    expect(r.database.tables).toEqual(expect.arrayContaining([{ name: "secrets", rows: ROWS }]));
    expect(r.database.rows).toBe(r.database.tables!.reduce((a, t) => a + t.rows, 0));
    expect(r.database.numTables).toBe(r.database.tables!.length);
    const size = r.triggers.find((t) => t.id === "d1_size")!;
    expect(size).toMatchObject({ status: "ok", value: sizeAfter, unit: "bytes" });
    // Rows were spread evenly over DAYS days, so the estimated history grows by about size/DAYS per day.
    expect(r.projection!.points).toBe(DAYS);
    expect(r.projection!.bytesPerDay).toBeGreaterThan((sizeAfter / DAYS) * 0.9);
    expect(r.projection!.bytesPerDay).toBeLessThan((sizeAfter / DAYS) * 1.1);
    expect(r.recommendation.migrate).toBe(false);
  });

  it("prints a plain table when piped or NO_COLOR is set, and colour only when forced without NO_COLOR", async () => {
    const plain = await runCli(["capacity", "--persist-to", state, "--need", "complex-transactions"], { NO_COLOR: "1", FORCE_COLOR: "1" }, REPO);
    expect(plain.code).toBe(1);
    expect(plain.stdout).not.toMatch(/\u001b\[/);
    expect(plain.stdout).toMatch(/d1_size\s+OK/);
    expect(plain.stdout).toMatch(/complex_transactions\s+WARNING/);
    expect(plain.stderr).toMatch(/^CAPACITY WARNING: Complex transactions is declared as needed/);
    // Unmeasured cost lines say so instead of showing $0.00.
    expect(plain.stdout).toMatch(/^ {2}D1 rows read: not measured$/m);
    expect(plain.stdout).not.toMatch(/D1 rows (read|written): \$/);
    const coloured = await runCli(["capacity", "--persist-to", state, "--format", "markdown"], { NO_COLOR: "", FORCE_COLOR: "1" }, REPO);
    expect(coloured.stdout).toMatch(/^# MoltSecret capacity: OK/);
    expect(coloured.stdout).toMatch(/\| d1_size \| \*\*OK\*\* \|/);
    const text = await runCli(["capacity", "--persist-to", state], { NO_COLOR: "", FORCE_COLOR: "1" }, REPO);
    expect(text.stdout).toMatch(/\u001b\[32mOK/);
  });

  it("is UNKNOWN (exit 3) with a hint when there is no local database", async () => {
    const empty = await mkdtemp(join(tmpdir(), "moltsecret-empty-"));
    const { code, stdout, stderr } = await runCli(["capacity", "--persist-to", empty], {}, REPO);
    expect(code).toBe(3);
    expect(stdout).toMatch(/^CAPACITY UNKNOWN: no local D1 database under /);
    expect(stderr).toMatch(/^moltsecret: no local D1 database under .*\nhint: run `npm start`/);
  });
});
