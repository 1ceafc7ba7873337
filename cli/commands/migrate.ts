import { resolve } from "node:path";
import { Command, Option } from "commander";
import { MIGRATE_COPY_CHUNK, MIGRATION_TARGETS, type MigrationTargetId } from "../../catalog/index.ts";
import { chalkFor, emit, progressFor, type CliContext } from "../context.ts";
import { UserError } from "../errors.ts";
import { EXIT } from "../exit-codes.ts";
import { renderJson } from "../output/json.ts";
import { copyMismatch, planJson, renderCopyText, renderPlanMarkdown, renderPlanText } from "../output/migrate.ts";
import { checkCredential } from "../io/credentials.ts";
import { checkOutputFile } from "../io/output-file.ts";
import { readWranglerConfig } from "../sources/wrangler-config.ts";
import { buildMigrationPlan } from "../migrate/plan.ts";
import { copyLocalD1ToLibsql, redactUrl } from "../migrate/run-local.ts";
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
    const plan = await buildMigrationPlan({ root: resolve(ctx.cwd, o.root), dirs: o.dir, target: o.to, includeTests: Boolean(o.includeTests) });
    ctx.exitCode = EXIT.ok;
    const text = format === "json" ? renderJson(planJson(plan)) : format === "markdown" ? renderPlanMarkdown(plan) : renderPlanText(plan, chalkFor(ctx));
    return emit(ctx, text, o.output);
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
    const result = await copyLocalD1ToLibsql({
      info, persistTo: o.persistTo ? resolve(ctx.cwd, o.persistTo) : undefined, url, authToken, chunkRows, restart: Boolean(o.restart),
      progress: progressFor(ctx, Boolean(o.quiet) || Boolean(o.json)),
    });
    ctx.exitCode = result.match ? EXIT.ok : EXIT.critical;
    const targetUrl = redactUrl(url);
    await emit(ctx, o.json ? renderJson({ ...result, targetUrl }) : renderCopyText(result, targetUrl, chalkFor(ctx)), o.output);
    if (!result.match) ctx.stderr.write(copyMismatch(result));
  });
  return cmd;
}
