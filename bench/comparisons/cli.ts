// 5. CLI: `moltsecret capacity` wall time on a local D1 of 100 MB (and on an empty one, and an error exit),
//    through the bin (bundled JavaScript) and through tsx compiling cli/ on the fly (the start-up the bin used to
//    pay), and the dashboards + alerts build time (`npm run build:observability`).
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { num, spread, table } from "../lib/format.ts";
import { rotation } from "../lib/measure.ts";
import { ROOT } from "../lib/root.ts";
import { summary } from "../lib/stats.ts";
import { NotMeasurable, type BenchContext, type Comparison } from "../lib/types.ts";

const run = promisify(execFile);
/** 100 MB as the CLI counts it (1 GB = 10^9 bytes). */
const FULL_BYTES = 100e6;
const QUICK_BYTES = 10e6;
const CIPHERTEXT_BYTES = 4096;
/** Issue 15's target for `moltsecret capacity` on a 100 MB local D1, wall time. */
const TARGET_S = 1.5;

interface Fixture {
  createMigratedState(): Promise<string>;
  fillSecrets(dir: string, o: { rows: number; ciphertextBytes: number; days: number; now: number }): Promise<{ sizeAfter: number }>;
}

interface Timed {
  round: number;
  task: string;
  ms: number;
  exitCode: number;
  detail: string;
}

async function timed(cmd: string, args: string[], okCodes: number[]): Promise<{ ms: number; code: number; stdout: string }> {
  const t0 = performance.now();
  try {
    const { stdout } = await run(cmd, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: "1", WRANGLER_SEND_METRICS: "false", CLOUDFLARE_API_TOKEN: "", CLOUDFLARE_ACCOUNT_ID: "" }, timeout: 300_000, maxBuffer: 16 << 20 });
    return { ms: performance.now() - t0, code: 0, stdout };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    if (typeof err.code === "number" && okCodes.includes(err.code)) return { ms: performance.now() - t0, code: err.code, stdout: err.stdout ?? "" };
    throw new Error(`${cmd} ${args.join(" ")} failed (${err.code}): ${(err.stderr ?? "").slice(-1500)}`);
  }
}

export const cli: Comparison = {
  id: "cli",
  title: "CLI: capacity on a 100 MB local D1, dashboards and alerts build",
  async run(ctx: BenchContext) {
    if (!existsSync(join(ROOT, "bin/moltsecret.js"))) throw new NotMeasurable("bin/moltsecret.js does not exist");
    const fixturePath = join(ROOT, "cli/test/local-d1-fixture.ts");
    if (!existsSync(fixturePath)) throw new NotMeasurable("cli/test/local-d1-fixture.ts (the CLI's local D1 filler) does not exist");
    const fixture = (await import(fixturePath)) as Fixture;
    const scripts = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    const hasObsBuild = "build:observability" in scripts;

    const wantBytes = ctx.quick ? QUICK_BYTES : FULL_BYTES;
    const empty = await fixture.createMigratedState();
    const full = await fixture.createMigratedState();
    const outDir = mkdtempSync(join(tmpdir(), "moltsecret-bench-obs-"));
    try {
      const t0 = performance.now();
      // Rows of ~4 KiB ciphertext plus row and index overhead: a slight overshoot of the wanted size.
      const { sizeAfter } = await fixture.fillSecrets(full, { rows: Math.ceil(wantBytes / CIPHERTEXT_BYTES), ciphertextBytes: CIPHERTEXT_BYTES, days: 30, now: Date.now() });
      const fillMs = performance.now() - t0;
      ctx.log(`local D1 filled to ${num(sizeAfter / 1e6)} MB in ${num(fillMs / 1000)} s`);

      const args = (dir: string) => ["capacity", "--source", "local", "--persist-to", dir, "--json", "--quiet"];
      const capacity = (dir: string) => timed(process.execPath, [join(ROOT, "bin/moltsecret.js"), ...args(dir)], [1, 2]);
      // The same command with cli/ compiled by tsx at every run, as bin/moltsecret.js did before it ran a bundle.
      const onTheFly = (dir: string) => timed(process.execPath, ["--import", "tsx", join(ROOT, "cli/main.ts"), ...args(dir)], [1, 2]);
      const missing = join(tmpdir(), "moltsecret-bench-no-state");
      // Warm the bundle once (a fresh clone builds it on the first run, ~0.5 s).
      await capacity(empty);
      const headline = `capacity, ${num(sizeAfter / 1e6)} MB D1`;
      const tasks: Record<string, () => Promise<{ ms: number; code: number; stdout: string }>> = {
        [headline]: () => capacity(full),
        "capacity, empty D1": () => capacity(empty),
        [`capacity, ${num(sizeAfter / 1e6)} MB D1, tsx on the fly`]: () => onTheFly(full),
        "capacity, no local D1 (exit 3)": () => timed(process.execPath, [join(ROOT, "bin/moltsecret.js"), ...args(missing)], [3]),
        ...(hasObsBuild ? { "build:observability": () => timed("npm", ["run", "--silent", "build:observability", "--", "--out", outDir], []) } : {}),
      };
      const rows: Timed[] = [];
      for (let round = 0; round < ctx.rounds; round++) {
        for (const name of rotation(Object.keys(tasks), round)) {
          const r = await tasks[name]!();
          let detail = "";
          if (name.startsWith("capacity")) {
            const json = JSON.parse(r.stdout) as { status?: string; database?: { sizeBytes?: number } };
            detail = json.database ? `status ${json.status}, sizeBytes ${json.database.sizeBytes}` : `status ${json.status}`;
          }
          rows.push({ round: round + 1, task: name, ms: r.ms, exitCode: r.code, detail });
          ctx.log(`round ${round + 1} ${name}: ${num(r.ms / 1000)} s (exit ${r.code})`);
        }
      }
      const names = Object.keys(tasks);
      const med = (name: string) => summary(rows.filter((r) => r.task === name).map((r) => r.ms / 1000));
      const headlineParts = names.map((n) => `${n} ${num(med(n).median)} s`);
      const body = [
        `A local D1 (wrangler's --persist-to layout, migrations applied by wrangler) is filled by the CLI's own test helper`,
        `(cli/test/local-d1-fixture.ts: rows generated inside D1 by a recursive CTE, ${CIPHERTEXT_BYTES}-byte ciphertexts) to`,
        `${num(sizeAfter / 1e6)} MB as D1 reports it (meta.size_after; filled in ${num(fillMs / 1000)} s). Each task is the full command a user runs,`,
        "process start included: `node bin/moltsecret.js capacity --source local --persist-to DIR --json --quiet` (exit 1/2 are the",
        "Nagios WARNING/CRITICAL answers, not failures; the bin runs cli/ bundled by esbuild and reads the local D1's SQLite file",
        "read-only), the same with `node --import tsx cli/main.ts` (every file compiled at start, as the bin did before), a run",
        "without a local database (the error exit), and `npm run build:observability -- --out TMP` (dashboards and alerts",
        `generated from the catalog into a temp dir). ${ctx.rounds} interleaved rounds; wall time in seconds.`,
        ...(hasObsBuild ? [] : ["", "No `build:observability` script in package.json: the dashboards/alerts build was not timed."]),
        "",
        table(["task", "wall s, median [min–max]"], names.map((n) => [n, spread(med(n))])),
        "",
        "### Raw rounds",
        "",
        table(["round", "task", "wall s", "exit", "output"], rows.map((r) => [r.round, r.task, num(r.ms / 1000), r.exitCode, r.detail])),
      ].join("\n");
      const m = med(headline).median;
      const targets = ctx.quick ? [] : [{ name: "moltsecret capacity on a 100 MB local D1", target: `<= ${TARGET_S} s wall`, measured: `${num(m)} s median`, pass: m <= TARGET_S }];
      return { body, targets, headlines: [`CLI: ${headlineParts.join("; ")}.`] };
    } finally {
      for (const d of [empty, full, outDir]) rmSync(d, { recursive: true, force: true });
    }
  },
};
