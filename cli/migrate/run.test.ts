import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openLocalD1 } from "../sources/local-d1.ts";
import { readWranglerConfig } from "../sources/wrangler-config.ts";
import { runCli } from "../test/capture.ts";
import { createMigratedState, fillSecrets, REPO, WRANGLER_TOML } from "../test/local-d1-fixture.ts";

const ROWS = 1_500;
const CHUNK = 20;
const PROGRESS = "_moltsecret_copy_progress";
let state: string;
let work: string;
/** Process groups this file started; any still alive is killed in afterAll, whatever happened. */
const groups = new Set<number>();

beforeAll(async () => {
  state = await createMigratedState();
  await fillSecrets(state, { rows: ROWS, ciphertextBytes: 400, days: 5, now: Date.now() });
  work = await mkdtemp(join(tmpdir(), "moltsecret-copy-"));
}, 120_000);
afterAll(async () => {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  for (const dir of [state, work]) if (dir) await rm(dir, { recursive: true, force: true });
});

interface RunResult {
  resumedFrom: number;
  compared: number;
  copiedThisRun: number;
  deletedThisRun: number;
  rowsCopied: number;
  match: boolean;
  source: { rows: number; sha256: string };
  target: { rows: number; sha256: string };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function query<T = Record<string, unknown>>(url: string, sql: string, args: (string | number)[] = []): Promise<T[]> {
  const c = createClient({ url });
  try {
    return (await c.execute({ sql, args })).rows as unknown as T[];
  } finally {
    c.close();
  }
}

async function progressRows(url: string): Promise<number> {
  try {
    return Number((await query<{ rows_written: number }>(url, `SELECT rows_written FROM ${PROGRESS}`))[0]?.rows_written ?? 0);
  } catch {
    return 0;
  }
}

/** The CLI in a process group of its own (workerd, its child, joins it), with a private TMPDIR. */
function spawnCli(args: string[], tmp: string): { child: ChildProcess; exited: Promise<number | null>; stderr: () => string } {
  const child = spawn(process.execPath, [join(REPO, "bin/moltsecret.js"), ...args], {
    cwd: REPO, stdio: ["ignore", "pipe", "pipe"], detached: true, env: { ...process.env, TMPDIR: tmp, NO_COLOR: "1" },
  });
  groups.add(child.pid!);
  let err = "";
  child.stderr!.on("data", (d) => (err += String(d)));
  child.stdout!.resume();
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return { child, exited, stderr: () => err };
}

/** True once no process of the group is left (kill(-pgid, 0) fails with ESRCH). */
async function groupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      process.kill(-pgid, 0);
    } catch {
      groups.delete(pgid);
      return true;
    }
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
}

async function waitForProgress(url: string, child: ChildProcess, atLeast: number): Promise<number> {
  const deadline = Date.now() + 40_000;
  let copied = 0;
  while (Date.now() < deadline && child.exitCode === null) {
    copied = await progressRows(url);
    if (copied >= atLeast) break;
    await sleep(25);
  }
  return copied;
}

/** The checkpoint must never hold a live secret id: each is the capability to reveal it. */
async function expectNoIdInCheckpoint(url: string): Promise<void> {
  const checkpoint = JSON.stringify(await query(url, `SELECT * FROM ${PROGRESS}`));
  const ids = (await query<{ id: string }>(url, "SELECT id FROM secrets")).map((r) => r.id);
  expect(ids.length).toBeGreaterThan(0);
  expect(ids.filter((id) => checkpoint.includes(id))).toEqual([]);
}

describe("migrate run: local D1 -> libSQL through the store layer", () => {
  it("resumes after its whole process group (CLI and workerd) is killed mid-copy; nothing of the killed run survives; counts and checksums end equal", async () => {
    const url = `file:${join(work, "resume.db")}`;
    const tmp = await mkdtemp(join(work, "tmp-"));
    const run = spawnCli(["migrate", "run", "--to", url, "--persist-to", state, "--chunk-rows", String(CHUNK), "--json"], tmp);
    const copied = await waitForProgress(url, run.child, 200);
    process.kill(-run.child.pid!, "SIGKILL");
    await run.exited;
    expect(await groupGone(run.child.pid!, 10_000)).toBe(true);
    expect(copied).toBeGreaterThanOrEqual(200);
    const atKill = await progressRows(url);
    expect(atKill).toBeLessThan(ROWS);
    await expectNoIdInCheckpoint(url);

    const { code, stdout } = await runCli(["migrate", "run", "--to", url, "--persist-to", state, "--chunk-rows", "500", "--json"], {}, REPO);
    expect(code).toBe(0);
    const r = JSON.parse(stdout) as RunResult;
    expect(r.resumedFrom).toBe(atKill);
    // A kill between a step's upserts and its checkpoint leaves up to one step copied but uncounted: compared, not rewritten.
    expect(r.copiedThisRun).toBeLessThanOrEqual(ROWS - atKill);
    expect(r.copiedThisRun).toBeGreaterThanOrEqual(ROWS - atKill - CHUNK);
    expect(r.deletedThisRun).toBe(0);
    expect(r.match).toBe(true);
    expect(r.target).toEqual(r.source);
    expect(r.source.rows).toBe(ROWS);
    await expectNoIdInCheckpoint(url);

    // Independently of the CLI: the target really holds every row once.
    const [n] = await query<{ n: number; d: number }>(url, "SELECT count(*) AS n, count(DISTINCT id) AS d FROM secrets");
    expect(Number(n!.n)).toBe(ROWS);
    expect(Number(n!.d)).toBe(ROWS);
  }, 120_000);

  it("on SIGTERM stops its workerd, removes its temporary files and exits 3 with a message", async () => {
    const url = `file:${join(work, "sigterm.db")}`;
    const tmp = await mkdtemp(join(work, "tmp-"));
    const run = spawnCli(["migrate", "run", "--to", url, "--persist-to", state, "--chunk-rows", String(CHUNK)], tmp);
    expect(await waitForProgress(url, run.child, 40)).toBeGreaterThanOrEqual(40);
    process.kill(run.child.pid!, "SIGTERM");
    expect(await run.exited).toBe(3);
    expect(run.stderr()).toMatch(/^moltsecret: interrupted by SIGTERM; child processes stopped\nhint: /m);
    expect(await groupGone(run.child.pid!, 10_000)).toBe(true);
    // Ours only (tsx keeps its own compile cache there).
    expect((await readdir(tmp)).filter((f) => f.startsWith("moltsecret-"))).toEqual([]);
  }, 60_000);
});

describe("migrate run converges to the source", () => {
  const SMALL = 300;
  let source: string;
  beforeAll(async () => {
    source = await createMigratedState();
    await fillSecrets(source, { rows: SMALL, ciphertextBytes: 200, days: 2, now: Date.now() });
  }, 120_000);
  afterAll(async () => {
    if (source) await rm(source, { recursive: true, force: true });
  });

  /** Runs SQL on the source D1 through a real binding, as the Worker and the purge would. */
  async function onSource(sql: string, ...args: (string | number)[]): Promise<void> {
    const local = await openLocalD1(await readWranglerConfig(WRANGLER_TOML), source);
    try {
      await local.db.prepare(sql).bind(...args).run();
    } finally {
      await local.dispose();
    }
  }

  const runOnce = async (extra: string[] = []) => {
    const url = `file:${join(work, "converge.db")}`;
    const { code, stdout, stderr } = await runCli(["migrate", "run", "--to", url, "--persist-to", source, "--json", ...extra], {}, REPO);
    return { code, r: JSON.parse(stdout) as RunResult, stderr, url };
  };

  it("burned in the source => burned in the target, purged => removed; reruns exit 0 and copy only what changed", async () => {
    const first = await runOnce();
    expect(first.code).toBe(0);
    expect(first.r.copiedThisRun).toBe(SMALL);
    const live = await query<{ id: string }>(first.url, "SELECT id FROM secrets WHERE ciphertext IS NOT NULL ORDER BY id LIMIT 5");
    const [burn1, burn2, burn3, purge1, purge2] = live.map((r) => r.id) as [string, string, string, string, string];

    // Nothing changed: a rerun compares everything and writes nothing.
    const idle = await runOnce();
    expect([idle.code, idle.r.compared, idle.r.copiedThisRun, idle.r.deletedThisRun]).toEqual([0, SMALL, 0, 0]);

    // Three reveals burn in the source; the cron purge removes two rows from it.
    await onSource("UPDATE secrets SET ciphertext = NULL, burned_at = ?1, views = views + 1 WHERE id IN (?2, ?3, ?4)", Date.now(), burn1, burn2, burn3);
    await onSource("DELETE FROM secrets WHERE id IN (?1, ?2)", purge1, purge2);
    const after = await runOnce();
    expect(after.code).toBe(0);
    expect(after.r.match).toBe(true);
    expect([after.r.copiedThisRun, after.r.deletedThisRun]).toEqual([3, 2]);
    const burned = await query<{ id: string; ciphertext: string | null; burned_at: number | null }>(
      after.url, "SELECT id, ciphertext, burned_at FROM secrets WHERE id IN (?, ?, ?)", [burn1, burn2, burn3]);
    expect(burned).toHaveLength(3);
    expect(burned.every((r) => r.ciphertext === null && r.burned_at !== null)).toBe(true);
    expect(await query(after.url, "SELECT id FROM secrets WHERE id IN (?, ?)", [purge1, purge2])).toEqual([]);
    await expectNoIdInCheckpoint(after.url);

    // Rows the source never had (or a copy made before they were purged) are removed too; --restart converges alike.
    const c = createClient({ url: after.url });
    await c.execute("INSERT INTO secrets (id, ciphertext, delete_token_hash, created_at, expires_at, views) VALUES ('zzzz-extra', 'x', 'h', 1, 2, 0)");
    c.close();
    const restarted = await runOnce(["--restart"]);
    expect([restarted.code, restarted.r.copiedThisRun, restarted.r.deletedThisRun, restarted.r.match]).toEqual([0, 0, 1, true]);
    expect(restarted.r.target.rows).toBe(SMALL - 2);
    const again = await runOnce();
    expect([again.code, again.r.copiedThisRun, again.r.deletedThisRun]).toEqual([0, 0, 0]);
  }, 180_000);
});

describe("migrate run: could not run (exit 3, a reason and a hint, no stack)", () => {
  const expectUnknown = (r: { code: number; stderr: string }, reason: RegExp) => {
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`^moltsecret: ${reason.source}`));
    expect(r.stderr).toMatch(/\nhint: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  };

  it("refuses a bad --chunk-rows", async () => {
    expectUnknown(await runCli(["migrate", "run", "--to", `file:${join(work, "x.db")}`, "--persist-to", state, "--chunk-rows", "0"], {}, REPO), /invalid --chunk-rows/);
  });

  it("says so when there is no local D1 to copy", async () => {
    const empty = await mkdtemp(join(work, "empty-"));
    expectUnknown(await runCli(["migrate", "run", "--to", `file:${join(work, "x.db")}`, "--persist-to", empty], {}, REPO), /no local D1 database under /);
  });

  it("says so when the target cannot be opened", async () => {
    expectUnknown(await runCli(["migrate", "run", "--to", `file:${join(work, "no-such-dir", "x.db")}`, "--persist-to", state], {}, REPO), /cannot open libSQL target /);
  }, 60_000);
});
