import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../test/capture.ts";
import { createMigratedState, fillSecrets, REPO } from "../test/local-d1-fixture.ts";

const ROWS = 1_500;
let state: string;
let work: string;

beforeAll(async () => {
  state = await createMigratedState();
  await fillSecrets(state, { rows: ROWS, ciphertextBytes: 400, days: 5, now: Date.now() });
  work = await mkdtemp(join(tmpdir(), "moltsecret-copy-"));
});
afterAll(async () => {
  for (const dir of [state, work]) if (dir) await rm(dir, { recursive: true, force: true });
});

interface RunResult { resumedFrom: number; copiedThisRun: number; rowsCopied: number; match: boolean; source: { rows: number; sha256: string }; target: { rows: number; sha256: string } }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function checkpointRows(url: string): Promise<number> {
  const c = createClient({ url });
  try {
    const r = await c.execute("SELECT rows_copied FROM _moltsecret_copy_checkpoint");
    return Number(r.rows[0]?.rows_copied ?? 0);
  } catch {
    return 0;
  } finally {
    c.close();
  }
}

describe("migrate run: local D1 -> libSQL through the store layer", () => {
  it("resumes after being killed mid-copy and ends with equal counts and checksums", async () => {
    const url = `file:${join(work, "resume.db")}`;
    const child = spawn(process.execPath, [join(REPO, "bin/moltsecret.js"), "migrate", "run", "--to", url, "--persist-to", state, "--chunk-rows", "20", "--json"], {
      cwd: REPO, stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    let copied = 0;
    const deadline = Date.now() + 40_000;
    while (Date.now() < deadline && child.exitCode === null) {
      copied = await checkpointRows(url);
      if (copied >= 200) break;
      await sleep(25);
    }
    child.kill("SIGKILL");
    await exited;
    expect(copied).toBeGreaterThanOrEqual(200);
    const atKill = await checkpointRows(url);
    expect(atKill).toBeLessThan(ROWS);

    const { code, stdout } = await runCli(["migrate", "run", "--to", url, "--persist-to", state, "--chunk-rows", "500", "--json"], {}, REPO);
    expect(code).toBe(0);
    const r = JSON.parse(stdout) as RunResult;
    expect(r.resumedFrom).toBe(atKill);
    expect(r.copiedThisRun).toBe(ROWS - atKill);
    expect(r.rowsCopied).toBe(ROWS);
    expect(r.match).toBe(true);
    expect(r.target).toEqual(r.source);
    expect(r.source.rows).toBe(ROWS);

    // Independently of the CLI: the target really holds every row once.
    const c = createClient({ url });
    const n = await c.execute("SELECT count(*) AS n, count(DISTINCT id) AS d FROM secrets");
    c.close();
    expect(Number(n.rows[0]!.n)).toBe(ROWS);
    expect(Number(n.rows[0]!.d)).toBe(ROWS);
  });

  it("exits 2 when the target holds rows the source does not", async () => {
    const url = `file:${join(work, "extra.db")}`;
    const first = await runCli(["migrate", "run", "--to", url, "--persist-to", state, "--chunk-rows", "1000"], {}, REPO);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("Verified: row counts and checksums match.");
    const c = createClient({ url });
    await c.execute("INSERT INTO secrets (id, ciphertext, delete_token_hash, created_at, expires_at, views) VALUES ('zzzz-extra', 'x', 'h', 1, 2, 0)");
    c.close();
    const second = await runCli(["migrate", "run", "--to", url, "--persist-to", state, "--chunk-rows", "1000"], {}, REPO);
    expect(second.code).toBe(2);
    expect(second.stdout).toContain("MISMATCH");
    expect(second.stderr).toMatch(new RegExp(`^moltsecret: verification failed: source ${ROWS} rows .*, target ${ROWS + 1} rows`));
  });
});
