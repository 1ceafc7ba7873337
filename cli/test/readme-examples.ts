/**
 * Regenerates the README's capacity section from real runs of the CLI on a freshly built local D1
 * (migrations applied by wrangler, 25,000 generated secrets over 30 days). Run: npx tsx cli/test/readme-examples.ts
 * It rewrites only the text between the capacity section markers.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
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
const cost = sh(["cost", "--requests", "100M"]);
const plan = sh(["migrate", "plan", "--to", "planetscale"]);
const run = sh(["migrate", "run", "--to", `file:${COPY}`, ...demo, "-q"]);
const helps = ["capacity", "cost", "migrate plan", "migrate run"].map((c) => [c, sh([...c.split(" "), "--help"]).out] as const);
const recLines = warn.out.split("\n").filter((l) => /^(Plan migration|  \d\.)/.test(l)).join("\n");
const planHead = plan.out.split("\n").slice(0, 12).join("\n");
const md = `
\`moltsecret\` answers the capacity planner's and on-call's questions about D1 (Recommendations 1 and 5 of the source document): how close the database is to its limits, when it will get there, whether to start migrating and where to, what the month costs, and it performs the move to libSQL. It runs straight from a clone (\`bin/moltsecret.js\` registers tsx and loads \`cli/main.ts\`; no build step):

${fence("npm install\nnpx moltsecret capacity            # local D1 that `npm start` / `wrangler dev` persisted\nnpx moltsecret capacity --json     # stable machine output for cron and monitoring wrappers", "sh")}

Every threshold, limit, price and free allowance comes from [\`catalog/\`](catalog/) (\`D1_SIZE\`, \`MIGRATION\`, \`D1_LIMITS\`, \`ROWS_TRIGGER\`, \`WRITE_RATE_TRIGGER\`, \`PRICES\`, \`FREE_PLAN\`, \`COST_ASSUMPTIONS\`, \`COST_PROJECTIONS\`, \`BREAK_EVEN\`); sizes use **1 GB = 10^9 bytes**, as Cloudflare states its limits.

### Exit codes (Nagios plugin convention)

| Code | Status | Meaning |
| --- | --- | --- |
| 0 | OK | every measured trigger is below its warning threshold (\`migrate run\`: copied and verified) |
| 1 | WARNING | a warning threshold is crossed or a declared need fires: plan the migration |
| 2 | CRITICAL | a critical threshold is crossed (\`migrate run\`: counts or checksums differ) |
| 3 | UNKNOWN | could not measure: bad arguments, unreachable source, refused token, unknown database |

On WARNING/CRITICAL one line \`CAPACITY <STATUS>: <messages>\` goes to stderr; on UNKNOWN one line \`moltsecret: <reason>\` plus a \`hint:\` line. Triggers that could not be measured (no Prometheus given) show \`UNKNOWN\` in the report but do not change the exit code.

### Triggers

| Trigger id | Value | Warning | Critical | Source |
| --- | --- | --- | --- | --- |
| \`d1_size\` | database size, bytes | 5 GB (\`D1_SIZE.warning\`) | 8 GB (\`D1_SIZE.critical\`), limit 10 GB | local: D1's \`meta.size_after\`; Cloudflare: REST \`file_size\` |
| \`d1_rows\` | rows in all tables | 250M (50% of the 500M limit) | 400M (80%) | local: \`count(*)\` per table; Cloudflare: \`--count-rows\` (a query; bills rows read) |
| \`write_latency_p95\` | D1 write p95, s | 50 ms (\`MIGRATION.writeLatencyP95\`) | - | Prometheus: \`histogram_quantile(0.95, ...d1_query_duration_seconds_bucket{db_operation_type="write"}[1h])\` |
| \`write_rate\` | peak writes/s | 500/s (50% of ~1,000/s) | 800/s (80%) | Cloudflare: busiest minute of 24 h in \`d1AnalyticsAdaptiveGroups\`; Prometheus: peak 5-minute rate of \`d1_queries_total\` over 1 d |
| \`error_rate\` | 5xx share, 1 h | 1% | 5% | Prometheus (an alert, not a migration trigger) |
| \`complex_transactions\`, \`multi_region_writes\` | declared needs | declared | - | \`moltsecret.capacity.json\` (\`{"needs": {"complexTransactions": false, "multiRegionWrites": false}}\`) or \`--need\` |
| \`d1_size_projection\` | days until 5 GB | < 30 days (\`MIGRATION.projectionHorizon\`) | - | least squares over the size history |

The size history is the daily max \`databaseSizeBytes\` (\`d1StorageAdaptiveGroups\`, 31 days kept) on Cloudflare; locally, where D1 keeps none, it is estimated from the live rows' \`created_at\` times the average row size (a lower bound: purged rows are gone), or read from \`--history file.json\`. Targets are listed in the document's order (Turso, PlanetScale, Neon) with why each fits; a declared multi-region write need rules out the single-primary ones.

### Environment

| Variable | Used for |
| --- | --- |
| \`CLOUDFLARE_API_TOKEN\`, \`CLOUDFLARE_ACCOUNT_ID\` | Cloudflare source (wrangler's names); when both are set it is the default source. Token needs Account > D1 > Read and Account Analytics > Read |
| \`CLOUDFLARE_API_BASE_URL\` | API base, default \`https://api.cloudflare.com/client/v4\` (REST and \`/graphql\`) |
| \`PROMETHEUS_USER\`, \`PROMETHEUS_PASSWORD\` (or \`PROMETHEUS_BEARER_TOKEN\`) | auth for \`--prometheus-url\` (Grafana Cloud: instance id and access-policy token, URL ending in \`/api/prom\`) |
| \`LIBSQL_AUTH_TOKEN\` / \`TURSO_AUTH_TOKEN\` | \`migrate run --to libsql://...\` |
| \`NO_COLOR\` | plain output; colour is also off when stdout is not a terminal. Progress indicators go to stderr and only on a terminal |

### Examples (real output)

Regenerated by \`npx tsx cli/test/readme-examples.ts\` (builds the demo database, runs each command, rewrites this section; \`cli/readme.test.ts\` fails when the pasted help drifts).

On a local D1 (wrangler's state under \`--persist-to /tmp/moltsecret-demo\`, migrations applied with \`wrangler d1 migrations apply DB --local\`, then 25,000 generated secrets spread over 30 days):

${fence("$ npx moltsecret capacity --persist-to /tmp/moltsecret-demo\n" + cap.out)}

The same run with \`--json\` (contract fields only; the full output also has \`units\`, \`history\`, \`thresholds\`, per-table rows, every trigger and \`cost\`):

${fence(excerpt, "json")}

A declared need fires a trigger and exits 1:

${fence(`$ npx moltsecret capacity --persist-to /tmp/moltsecret-demo --need multi-region-writes -q; echo "exit $?"\n${warn.err}\n...\n${recLines}\nexit ${warn.code}`)}

\`--format markdown\` gives the same report as Markdown; \`--format html -o capacity.html\` a self-contained page with an inline SVG chart of the size history, its projection and the 5/8/10 GB lines (checked in headless Chromium by the tests).

${fence("$ npx moltsecret cost --requests 100M\n" + cost.out)}

The per-request defaults are the catalog's \`COST_ASSUMPTIONS\` (each with its reason); \`--prometheus-url\` replaces D1 rows read/written, KV reads and CPU ms by measured values, flags override either. The document's table is shown beside the computed figures and rows more than 25% outside its range are flagged.

\`migrate plan\` does the document's action item "Document all D1-specific SQL patterns in use" by reading \`worker/\` and \`migrations/\` (tests and comments skipped):

${fence("$ npx moltsecret migrate plan --to planetscale\n" + planHead + "\n...")}

\`migrate run\` copies the local D1 into libSQL through the store layer (\`D1SecretStore.scan\` -> \`LibsqlSecretStore.upsertRows\`, the target's migrations applied by \`createLibsqlStore\`), in chunks of \`MIGRATE_COPY_CHUNK\` rows with a checkpoint table in the target, so a rerun after an interruption resumes; it ends by comparing row counts and a SHA-256 over all rows in id order on both sides:

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
