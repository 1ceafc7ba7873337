/**
 * Regenerates the README's capacity section from real runs of the CLI on a freshly built local D1
 * (migrations applied by wrangler, 25,000 generated secrets over 30 days). Run: npx tsx cli/test/readme-examples.ts
 * It rewrites only the text between the capacity section markers.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { D1_LIMITS, D1_SIZE, ERROR_RATE, LIMIT_FRACTIONS, MIGRATION, ROWS_TRIGGER, WRITE_RATE_TRIGGER } from "../../catalog/index.ts";
import { formatQuantity as fq } from "../../catalog/format.ts";
import { CAPACITY_SIGNALS as SIGNALS, ENV_LABEL } from "../../promql/index.ts";
import { createMigratedState, fillSecrets, REPO } from "./local-d1-fixture.ts";

const DEMO = "/tmp/moltsecret-demo";
const COPY = "/tmp/moltsecret-demo-copy.db";
rmSync(DEMO, { recursive: true, force: true });
for (const f of [COPY, `${COPY}-wal`, `${COPY}-shm`]) rmSync(f, { force: true });
const built = await createMigratedState();
await fillSecrets(built, { rows: 25_000, ciphertextBytes: 1800, days: 30, now: Date.now() });
renameSync(built, DEMO);

const sh = (args: string[]) => {
  const r = spawnSync(process.execPath, [join(REPO, "bin/moltsecret.js"), ...args], { cwd: REPO, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { out: r.stdout.replace(/\s+$/, ""), err: r.stderr.replace(/\s+$/, ""), code: r.status };
};
const fence = (s: string, lang = "text") => "```" + lang + "\n" + s + "\n```";
const demo = ["--persist-to", DEMO];
const root = sh(["--help"]).out;
const cap = sh(["capacity", ...demo]);
const capJson = sh(["capacity", ...demo, "--json"]);
const r = JSON.parse(capJson.out);
const excerpt = JSON.stringify({ status: r.status, source: r.source, database: { name: r.database.name, id: r.database.id, sizeBytes: r.database.sizeBytes, numTables: r.database.numTables }, triggers: [r.triggers[0]], projection: { bytesPerDay: r.projection.bytesPerDay, daysToWarning: r.projection.daysToWarning, daysToCritical: r.projection.daysToCritical, daysToLimit: r.projection.daysToLimit }, recommendation: { migrate: r.recommendation.migrate, targets: r.recommendation.targets.map((t: { id: string; fits: boolean }) => ({ id: t.id, fits: t.fits })) } }, null, 2);
const warn = sh(["capacity", ...demo, "--need", "multi-region-writes", "-q"]);
const plugin = sh(["capacity", ...demo, "-w", "20MB", "-c", "100MB"]);
const cost = sh(["cost", "--requests", "100M"]);
const plan = sh(["migrate", "plan", "--to", "planetscale"]);
const run = sh(["migrate", "run", "--to", `file:${COPY}`, ...demo, "-q"]);
const helps = ["capacity", "cost", "migrate plan", "migrate run"].map((c) => [c, sh([...c.split(" "), "--help"]).out] as const);
const recLines = warn.out.split("\n").filter((l) => /^(Plan the migration|Migrate now|  \d\.)/.test(l)).join("\n");
const planHead = plan.out.split("\n").slice(0, 12).join("\n");
const md = `
\`moltsecret\` answers the capacity planner's and on-call's questions about D1 (Recommendations 1 and 5 of the source document): how close the database is to its limits, when it will get there, whether to start migrating and where to, what the month costs, and it performs the move to libSQL. It runs straight from a clone with no build step to remember: \`bin/moltsecret.js\` bundles \`cli/\` with esbuild into \`.cache/cli-b-*\` (git-ignored) on first use and again when a source file changes, and the local source reads the D1's SQLite file read-only (\`mode=ro\`, safe beside a running \`wrangler dev\`) instead of booting workerd; \`npm run bench\` (2026-12-01, 2-core machine shared with other builds) measured \`capacity\` on a 114 MB local D1 at 0.40 s wall median, 0.66 s with tsx compiling \`cli/\` on the fly; the previous code (tsx plus workerd booted through wrangler) took 13-16 s beside 1.1-1.5 s for this one, timed back to back on the same, then heavily loaded, machine:

${fence("npm install\nnpx moltsecret capacity            # local D1 that `npm start` / `wrangler dev` persisted\nnpx moltsecret capacity --json     # stable machine output for cron and monitoring wrappers", "sh")}

Every threshold, limit, price and free allowance comes from [\`catalog/\`](catalog/) (\`D1_SIZE\`, \`MIGRATION\`, \`D1_LIMITS\`, \`ROWS_TRIGGER\`, \`WRITE_RATE_TRIGGER\`, \`PRICES\`, \`FREE_PLAN\`, \`COST_ASSUMPTIONS\`, \`COST_PROJECTIONS\`, \`BREAK_EVEN\`); sizes use **1 GB = 10^9 bytes**, as Cloudflare states its limits.

### Exit codes (Nagios plugin convention)

| Code | Status | Meaning |
| --- | --- | --- |
| 0 | OK | no migration trigger fired (\`migrate run\`: copied and verified) |
| 1 | WARNING | a migration trigger crossed its warning threshold or a declared need fires: plan the migration |
| 2 | CRITICAL | a migration trigger crossed its critical threshold: migrate now (\`migrate run\`: counts or checksums differ) |
| 3 | UNKNOWN | could not measure: bad arguments, unreachable source, refused token, unknown database; or a requested source (\`--prometheus-url\`) did not answer and nothing measured fired |

The exit code is the **migration verdict** only. The error rate is **service health**: an alert threshold, shown in its own table and never a reason to migrate, so a 20% error rate on a small, fast database exits 0 with \`Service health: CRITICAL\` in the report. A source that was asked for and did not answer (an unreachable \`--prometheus-url\`) does not abort the report: what was measured is reported, the triggers it would have measured show \`UNKNOWN\` with the reason, and \`--json\` stays a valid document in every outcome (\`{"status": "unknown", "error": {...}}\` when nothing could be measured). Triggers that no source was asked for (no Prometheus given) show \`UNKNOWN\` without changing the exit code.

### Monitoring systems (Nagios plugin output)

The text report's first line on stdout is always the plugin status line, \`CAPACITY <STATUS>: <message> | <perfdata>\`, with perfdata for the size, rows, write p95, write rate and the projected size (\`label=value[UOM];warn;crit;min;max\`, \`U\` when not measured); when nothing could be measured it is \`CAPACITY UNKNOWN: <reason>\`. On WARNING/CRITICAL the fired messages also go to stderr as \`CAPACITY <STATUS>: ...\`; on UNKNOWN the reason goes to stderr as \`moltsecret: <reason>\` plus a \`hint:\` line. \`-w/--warning\` and \`-c/--critical\` override the catalog's thresholds in the plugin convention's range format (\`10\`, \`10:\`, \`~:10\`, \`10:20\`, \`@10:20\`; numbers may end in kB, MB, GB, TB, ms, s or %), per trigger as \`name=range\` (comma-separated or repeated; a bare range is \`d1_size\`):

${fence(`$ npx moltsecret capacity --persist-to /tmp/moltsecret-demo -w 20MB -c 100MB | head -1; echo "exit \${PIPESTATUS[0]}"\n${plugin.out.split("\n")[0]}\nexit ${plugin.code}`)}

### Triggers

| Trigger id | Value | Warning | Critical | Source |
| --- | --- | --- | --- | --- |
| \`d1_size\` | database size, bytes | ${fq(D1_SIZE.warning)} (\`D1_SIZE.warning\`) | ${fq(D1_SIZE.critical)} (\`D1_SIZE.critical\`), limit ${fq(D1_LIMITS.maxSize)} | local: D1's \`meta.size_after\`; Cloudflare: REST \`file_size\` |
| \`d1_rows\` | rows in all tables | ${fq(ROWS_TRIGGER.warning)} (${fq(LIMIT_FRACTIONS.warning)} of the ${fq(D1_LIMITS.maxRows)} limit) | ${fq(ROWS_TRIGGER.critical)} (${fq(LIMIT_FRACTIONS.critical)}) | local: \`count(*)\` per table; Cloudflare: \`--count-rows\` (a query; bills rows read) |
| \`write_latency_p95\` | D1 write p95 as the Worker waits for it (not D1's own execution time: the round trip to the single primary is what users wait for), s | ${fq(MIGRATION.writeLatencyP95)} (\`MIGRATION.writeLatencyP95\`) | - | Prometheus: \`${SIGNALS.writeP95}\`, the recording rule of the \`MoltsecretMigrationWriteLatency\` alert |
| \`write_rate\` | peak writes/s | ${fq(WRITE_RATE_TRIGGER.warning)} (${fq(LIMIT_FRACTIONS.warning)} of ~${fq(D1_LIMITS.writesPerSecond)}) | ${fq(WRITE_RATE_TRIGGER.critical)} (${fq(LIMIT_FRACTIONS.critical)}) | Cloudflare: busiest minute of 24 h in \`d1AnalyticsAdaptiveGroups\`; Prometheus: \`${SIGNALS.peakWriteRate}\` |
| \`complex_transactions\`, \`multi_region_writes\` | declared needs | declared | - | \`moltsecret.capacity.json\` (\`{"needs": {"complexTransactions": false, "multiRegionWrites": false}}\`) or \`--need\` |
| \`d1_size_projection\` | size in ${fq(MIGRATION.projectionHorizon)} (\`MIGRATION.projectionHorizon\`), bytes | ${fq(MIGRATION.d1Size)} (\`MIGRATION.d1Size\`) | - | Prometheus: \`${SIGNALS.sizeProjection}\`, the \`MoltsecretMigrationSizeProjection\` alert's rule (days until ${fq(MIGRATION.d1Size)} < ${fq(MIGRATION.projectionHorizon)}); without Prometheus, least squares over the size history |

With \`--prometheus-url\` the CLI evaluates the alert rules' own expressions, built by the same functions in \`promql/\` (\`CAPACITY_SIGNALS\` in \`promql/capacity.ts\`; \`cli/sources/prometheus.test.ts\` evaluates them and the generated rule file's expressions in a real Prometheus and checks they agree), one series per \`${ENV_LABEL}\` (\`--environment\` picks one; default: the one with the largest database). It also shows \`wrangler d1 info\`'s 24 h read/write queries and rows read/written from Prometheus (\`d1_queries_total\`, \`d1_rows_read_total\`, \`d1_rows_written_total\`), and from Cloudflare's analytics with the Cloudflare source.

Service health (reported, never the exit code):

| Check | Value | Warning | Critical | Source |
| --- | --- | --- | --- | --- |
| \`error_rate\` | 5xx share | ${fq(ERROR_RATE.warning)} (\`ERROR_RATE.warning\`) | ${fq(ERROR_RATE.critical)} (\`ERROR_RATE.critical\`) | Prometheus: \`${SIGNALS.errorRate}\` (the threshold alerts' ratio); Cloudflare: errors / requests of the last hour in \`workersInvocationsAdaptive\` |

When two sources disagree about the size by more than 2x (a \`--history\` file, or Prometheus' \`d1_database_size_bytes\`, against the live size), the report says so above every figure: the projection may not describe this database.

The size history is the daily max \`databaseSizeBytes\` (\`d1StorageAdaptiveGroups\`, 31 days kept) on Cloudflare; locally, where D1 keeps none, it is estimated from the live rows' \`created_at\` times the average row size (a lower bound: purged rows are gone), or read from \`--history file.json\`. Targets are listed in the document's order (Turso, PlanetScale, Neon) with why each fits; a declared multi-region write need rules out the single-primary ones.

### Environment

| Variable | Used for |
| --- | --- |
| \`CLOUDFLARE_API_TOKEN\`, \`CLOUDFLARE_ACCOUNT_ID\` | Cloudflare source (wrangler's names); when both are set it is the default source. Token needs Account > D1 > Read and Account Analytics > Read |
| \`CLOUDFLARE_API_BASE_URL\` | API base, default \`https://api.cloudflare.com/client/v4\` (REST and \`/graphql\`) |
| \`PROMETHEUS_USER\`, \`PROMETHEUS_PASSWORD\` (or \`PROMETHEUS_BEARER_TOKEN\`) | auth for \`--prometheus-url\` (Grafana Cloud: instance id and access-policy token, URL ending in \`/api/prom\`) |
| \`GRAFANA_URL\`, \`GRAFANA_TOKEN\` | \`dashboards push\`, \`alerts push\` |
| \`LIBSQL_AUTH_TOKEN\` / \`TURSO_AUTH_TOKEN\` | \`migrate run --to libsql://...\` |
| \`NO_COLOR\` | plain output; colour is also off when stdout is not a terminal. Progress indicators go to stderr and only on a terminal |

Every token is checked before it goes into a header: one with a line break, a space or a non-ASCII character is refused (exit 3, with a hint) and its value is never printed.

### Examples (real output)

Regenerated by \`npx tsx cli/test/readme-examples.ts\` (builds the demo database, runs each command, rewrites this section; \`cli/readme.test.ts\` fails when the pasted help drifts).

On a local D1 (wrangler's state under \`--persist-to /tmp/moltsecret-demo\`, migrations applied with \`wrangler d1 migrations apply DB --local\`, then 25,000 generated secrets spread over 30 days):

${fence("$ npx moltsecret capacity --persist-to /tmp/moltsecret-demo\n" + cap.out)}

The same run with \`--json\` (contract fields only; the full output also has \`units\`, \`history\`, \`thresholds\`, per-table rows, every trigger and \`cost\`):

${fence(excerpt, "json")}

A declared need fires a trigger and exits 1:

${fence(`$ npx moltsecret capacity --persist-to /tmp/moltsecret-demo --need multi-region-writes -q; echo "exit $?"\n${warn.err}\n...\n${recLines}\nexit ${warn.code}`)}

\`--format markdown\` gives the same report as Markdown; \`--format html -o capacity.html\` a self-contained page with an inline SVG chart read in seconds: a linear panel from 0 to past the 10 GB limit with the 5/8/10 GB lines where they really are and labelled at the line, month ticks, axis titles, the projection labelled on its line with the date it reaches 5 GB, a close-up panel of the recent history when the database is below a tenth of the warning, and a red warning when the sources disagree about the size. \`cli/output/html.test.ts\` screenshots it in headless Chromium and checks the drawn pixels (line rows, their spacing, labels, history and projection); the test fetches Chromium itself (\`scripts/test/chromium.ts\`: Debian's package and the libraries the machine lacks, unpacked into \`.cache/chromium\` through a private apt configuration, nothing installed system-wide; a \`chromium\` on \`PATH\` is used as is).

${fence("$ npx moltsecret cost --requests 100M\n" + cost.out)}

The per-request defaults are the catalog's \`COST_ASSUMPTIONS\` (each with its reason); \`--prometheus-url\` replaces D1 rows read/written, KV reads and CPU ms by measured values, flags override either. The document's table is shown beside the computed figures and rows more than 25% outside its range are flagged.

\`migrate plan\` does the document's action item "Document all D1-specific SQL patterns in use" by reading \`worker/\` and \`migrations/\` (tests and comments skipped):

${fence("$ npx moltsecret migrate plan --to planetscale\n" + planHead + "\n...")}

\`migrate run\` makes libSQL converge to the local D1 through the store layer (\`D1SecretStore.scan\` on both sides, walked together in id order; \`LibsqlSecretStore.upsertRows\` for rows missing or different in the target, so a secret burned in D1 is burned in the copy; a delete for rows D1 no longer has, so purged secrets leave the copy; the target's migrations applied by \`createLibsqlStore\`). Scans hold at most \`MIGRATE_SCAN_BYTES\` (16 MiB) of rows at the largest secret size, whatever \`--chunk-rows\` says (measured: 5,000 rows of 64 KiB digested with a peak heap of 75 MB, under a 160 MB heap limit, \`cli/migrate/checksum.test.ts\`). A checkpoint table in the target (holding only the first 4 characters of the last id synced, never a whole id) lets a rerun after an interruption resume; a finished pass is marked complete, so the next run writes only what changed since. SIGTERM or SIGINT stops the workerd it started and exits 3. It ends by comparing row counts and a SHA-256 over all rows in id order on both sides:

${fence("$ npx moltsecret migrate run --to file:/tmp/moltsecret-demo-copy.db --persist-to /tmp/moltsecret-demo\n" + run.out)}

### Help

${fence("$ npx moltsecret --help\n" + root)}

${helps.map(([c, h]) => `<details><summary><code>moltsecret ${c} --help</code></summary>\n\n${fence(h!)}\n\n</details>`).join("\n\n")}

New top-level commands (e.g. \`dashboards build|push\`, \`alerts build|push\`) are a factory in \`cli/commands/<name>.ts\` appended to \`COMMANDS\` in \`cli/commands/index.ts\`.
`;
const readmePath = join(REPO, "README.md");
const readme = readFileSync(readmePath, "utf8");
const start = "<!-- section:capacity -->";
const end = "<!-- /section:capacity -->";
const [before, rest] = readme.split(start);
const after = rest!.split(end)[1];
writeFileSync(readmePath, before + start + "\n" + md.trim() + "\n" + end + after);
console.log(`README capacity section regenerated (exit codes: capacity ${cap.code}, warning ${warn.code}, cost ${cost.code}, plan ${plan.code}, run ${run.code})`);
