import { resolve } from "node:path";
import { Command, Option } from "commander";
import { getTableName } from "drizzle-orm";
import { secrets } from "../../worker/db/schema.ts";
import { MIGRATE_COPY_CHUNK, MIGRATION_TARGETS, type MigrationTargetId } from "../../catalog/index.ts";
import { chalkFor, emit, progressFor, type CliContext } from "../context.ts";
import { UserError } from "../errors.ts";
import { EXIT } from "../exit-codes.ts";
import { renderJson } from "../output/json.ts";
import { markdownTable } from "../output/markdown.ts";
import { renderTable } from "../output/table.ts";
import { checkCredential } from "../io/credentials.ts";
import { checkOutputFile } from "../io/output-file.ts";
import { openLocalD1 } from "../sources/local-d1.ts";
import { readWranglerConfig } from "../sources/wrangler-config.ts";
import { copySecrets } from "../migrate/copy.ts";
import { D1_PATTERNS } from "../migrate/patterns.ts";
import { scanForPatterns, type Finding } from "../migrate/scan.ts";
import { parseCount } from "../units.ts";
import { addOutputOptions, examples, resolveFormat, type OutputOptions } from "./common.ts";

const TARGET_IDS = MIGRATION_TARGETS.map((t) => t.id);

export function makeMigrateCommand(ctx: CliContext): Command {
  const migrate = new Command("migrate").description("Prepare and run the move off D1 (Recommendation 1)");
  migrate.addCommand(makePlan(ctx));
  migrate.addCommand(makeRun(ctx));
  return migrate;
}

function makePlan(ctx: CliContext): Command {
  const cmd = new Command("plan")
    .description("List every D1-specific SQL pattern in the code under worker/ that talks to D1 and in migrations/, with file:line and what to do for the target")
    .addOption(new Option("--to <target>", "migration target").choices(TARGET_IDS).default("turso"))
    .option("--root <dir>", "repository root to scan", ".")
    .option("--dir <dir...>", "folders to scan, relative to --root", ["worker", "migrations"])
    .option("--include-tests", "also scan *.test.ts files");
  addOutputOptions(cmd);
  cmd.addHelpText("after", examples(["moltsecret migrate plan --to turso", "moltsecret migrate plan --to planetscale --format markdown -o docs/planetscale.md", "moltsecret migrate plan --to neon --json"]));
  cmd.action(async (o: OutputOptions & { to: MigrationTargetId; root: string; dir: string[]; includeTests?: boolean }) => {
    const format = resolveFormat(o);
    checkOutputFile(o.output, ctx.cwd);
    const root = resolve(ctx.cwd, o.root);
    const { files, findings, skipped } = await scanForPatterns({ root, dirs: o.dir, target: o.to, includeTests: Boolean(o.includeTests) });
    const target = MIGRATION_TARGETS.find((t) => t.id === o.to)!;
    const groups = D1_PATTERNS.map((p) => ({ pattern: p, hits: findings.filter((f) => f.pattern === p.id) })).filter((g) => g.hits.length > 0);
    ctx.exitCode = EXIT.ok;
    const passedOver = skipped.filter((k) => k.reason !== "does not use D1");
    const skippedNote = passedOver.length ? `Not D1, so not scanned: ${passedOver.map((k) => `${k.file} (${k.reason})`).join(", ")}.` : "";
    if (format === "json") return emit(ctx, renderJson({ target: o.to, root, dirs: o.dir, filesScanned: files, skipped, findings, patterns: groups.map((g) => ({ id: g.pattern.id, title: g.pattern.title, count: g.hits.length, advice: g.pattern.advice[o.to] })) }), o.output);
    const out: string[] = [];
    const c = chalkFor(ctx);
    const loc = (f: Finding) => `${f.file}:${f.line}`;
    if (format === "markdown") {
      out.push(`# D1-specific SQL patterns to handle for ${target.name}`, "", `${findings.length} findings in ${files} files that talk to D1 under ${o.dir.join(", ")}.${skippedNote ? ` ${skippedNote}` : ""}`, "");
      for (const g of groups) {
        out.push(`## ${g.pattern.title} (${g.hits.length})`, "", `${g.pattern.why}.`, "", `**${target.name}:** ${g.pattern.advice[o.to]}`, "");
        out.push(markdownTable(["Where", "Code"], g.hits.map((f) => [`\`${loc(f)}\``, `\`${f.text.replace(/`/g, "'")}\``])), "");
      }
    } else {
      out.push(`${c.bold(`D1-specific SQL patterns to handle for ${target.name}`)}: ${findings.length} findings in ${files} files that talk to D1 under ${o.dir.join(", ")}`);
      if (skippedNote) out.push(c.gray(skippedNote));
      out.push("");
      for (const g of groups) {
        out.push(`${c.bold(g.pattern.title)} (${g.hits.length}): ${g.pattern.why}`);
        out.push(`  ${c.cyan("->")} ${g.pattern.advice[o.to]}`);
        out.push(renderTable(["Where", "Code"], g.hits.map((f) => [loc(f), f.text])).split("\n").map((l) => `    ${l}`).join("\n"), "");
      }
      if (groups.length === 0) out.push("No D1-specific pattern found.");
    }
    return emit(ctx, `${out.join("\n")}\n`, o.output);
  });
  return cmd;
}

interface RunOpts extends OutputOptions {
  to: string;
  config: string;
  binding?: string;
  persistTo?: string;
  chunkRows: string;
  restart?: boolean;
  quiet?: boolean;
}

function makeRun(ctx: CliContext): Command {
  const cmd = new Command("run")
    .description("Copy the local D1 data into libSQL through the store layer, in resumable chunks, then verify counts and checksums")
    .requiredOption("--to <url>", "libSQL target: file:path for a local file, libsql://... for Turso (token in LIBSQL_AUTH_TOKEN or TURSO_AUTH_TOKEN)")
    .option("-c, --config <path>", "wrangler config with the [[d1_databases]] binding", "wrangler.toml")
    .option("--binding <name>", "D1 binding to copy from (default: the first, DB)")
    .option("--persist-to <dir>", "local state directory, as for `wrangler dev --persist-to` (default .wrangler/state)")
    .option("--chunk-rows <n>", "rows per chunk", String(MIGRATE_COPY_CHUNK.value))
    .option("--restart", "ignore the checkpoint in the target and copy from the start")
    .option("-q, --quiet", "no progress bar")
    .option("--json", "machine-readable result")
    .option("-o, --output <file>", "write the result to a file instead of stdout");
  cmd.addHelpText("after", examples([
    "moltsecret migrate run --to file:.cache/moltsecret.db",
    "TURSO_AUTH_TOKEN=... moltsecret migrate run --to libsql://moltsecret-acme.turso.io",
    "moltsecret migrate run --to file:/tmp/copy.db --persist-to /tmp/state   # rerun after an interruption: it resumes",
  ]) + "\nExit codes: 0 copied and verified, 2 counts or checksums differ, 3 could not run.\n");
  cmd.action(async (o: RunOpts) => {
    checkOutputFile(o.output, ctx.cwd);
    const chunkRows = parseCount(o.chunkRows, "--chunk-rows");
    if (!Number.isInteger(chunkRows) || chunkRows < 1) throw new UserError(`invalid --chunk-rows ${o.chunkRows}`, { hint: `give a whole number of rows, 1 or more (default ${MIGRATE_COPY_CHUNK.value})` });
    const url = /^[a-z]+:/.test(o.to) ? o.to : `file:${o.to}`;
    const authToken = checkCredential(ctx.env.LIBSQL_AUTH_TOKEN, "LIBSQL_AUTH_TOKEN") ?? checkCredential(ctx.env.TURSO_AUTH_TOKEN, "TURSO_AUTH_TOKEN");
    const info = await readWranglerConfig(resolve(ctx.cwd, o.config), o.binding);
    const progress = progressFor(ctx, Boolean(o.quiet) || Boolean(o.json));
    progress.step("local D1: starting workerd through wrangler");
    const local = await openLocalD1(info, o.persistTo ? resolve(ctx.cwd, o.persistTo) : undefined);
    let result;
    try {
      const [{ D1SecretStore }, { createLibsqlStore }] = await Promise.all([import("../../worker/store/d1-store.ts"), import("../../libsql/libsql-store.ts")]);
      const source = new D1SecretStore(local.db);
      progress.step(`libSQL: opening ${redactUrl(url)} and applying migrations`);
      let target;
      try {
        target = await createLibsqlStore(url, { authToken });
      } catch (err) {
        throw new UserError(`cannot open libSQL target ${redactUrl(url)}: ${(err as Error).message}`, { hint: "use file:path or libsql://host with LIBSQL_AUTH_TOKEN", cause: err });
      }
      try {
        const count = await local.db.prepare(`SELECT count(*) AS n FROM "${getTableName(secrets)}"`).first<{ n: number }>();
        result = await copySecrets(source, target, target.client, {
          checkpointKey: `${info.d1.databaseName}:${info.d1.databaseId}`,
          chunkRows, restart: Boolean(o.restart), total: Number(count?.n ?? 0),
          onProgress: (done, total, phase) => progress.update(done, total, phase),
        });
      } finally {
        target.close();
      }
    } finally {
      progress.done();
      await local.dispose();
    }
    ctx.exitCode = result.match ? EXIT.ok : EXIT.critical;
    const summary = { ...result, targetUrl: redactUrl(url) };
    if (o.json) await emit(ctx, renderJson(summary), o.output);
    else {
      const c = chalkFor(ctx);
      const lines = [
        result.resumedFrom > 0 ? `Resumed after ${result.resumedFrom} rows already copied (checkpoint in the target).` : "Copied from the start.",
        `Compared ${result.compared} rows; copied ${result.copiedThisRun} new or changed rows and removed ${result.deletedThisRun} the source no longer has, this run (${result.rowsCopied} copied in this pass), to ${redactUrl(url)}.`,
        "",
        renderTable(["Table", "Side", "Rows", "SHA-256"], [
          [result.source.table, "D1 (source)", String(result.source.rows), result.source.sha256],
          [result.target.table, "libSQL (target)", String(result.target.rows), result.target.sha256],
        ]),
        "",
        result.match ? c.green("Verified: row counts and checksums match.") : c.red("MISMATCH: row counts or checksums differ; rerun with --restart."),
      ];
      await emit(ctx, `${lines.join("\n")}\n`, o.output);
    }
    if (!result.match) ctx.stderr.write(`moltsecret: verification failed: source ${result.source.rows} rows ${result.source.sha256.slice(0, 12)}, target ${result.target.rows} rows ${result.target.sha256.slice(0, 12)}\nhint: rerun with --restart to copy everything again\n`);
  });
  return cmd;
}

/** Never print credentials that may be embedded in a URL. */
const redactUrl = (url: string) => url.replace(/\/\/[^@/]*@/, "//***@").replace(/([?&](?:authToken|token)=)[^&]*/gi, "$1***");
