import { resolve } from "node:path";
import type { CliContext } from "../context.ts";
import { UserError } from "../errors.ts";
import type { Progress } from "../io/progress.ts";
import { CloudflareApi, credentialsFromEnv, fetchD1Analytics, fetchWorkerInvocations, type WorkerInvocations } from "../sources/cloudflare-api.ts";
import { measureLocalFile } from "../sources/local-sqlite.ts";
import { USAGE_TOTALS } from "../../promql/index.ts";
import { instantQuery, prometheusFromEnv, type PrometheusOptions } from "../sources/prometheus.ts";
import { fetchCapacitySignals } from "../sources/prometheus-signals.ts";
import { readWorkerName, readWranglerConfig } from "../sources/wrangler-config.ts";
import { readHistoryFile } from "./history-file.ts";
import { loadNeeds } from "./needs.ts";
import { RULE_WINDOWS } from "../../catalog/index.ts";
import { projectPredictLinear } from "./projection.ts";
import type { CapacityInput } from "./report.ts";
import type { ThresholdOverrides } from "./triggers.ts";

export interface CapacityOptions {
  source: "auto" | "local" | "cloudflare";
  config: string;
  binding?: string;
  persistTo?: string;
  database?: string;
  prometheusUrl?: string;
  history?: string;
  need?: string[];
  needsFile?: string;
  countRows?: boolean;
  scriptName?: string;
  environment?: string;
  now?: string;
  overrides?: ThresholdOverrides;
}

export function parseNow(text: string | undefined): number {
  if (!text) return Date.now();
  const t = Date.parse(text);
  if (!Number.isFinite(t)) throw new UserError(`invalid --now "${text}"`, { hint: "use an ISO date, e.g. 2026-11-27T00:00:00Z" });
  return t;
}

/** Measures everything the report needs from the chosen source (and Prometheus when given). */
export async function gatherCapacity(opts: CapacityOptions, ctx: CliContext, progress: Progress): Promise<CapacityInput> {
  const now = parseNow(opts.now);
  const needs = loadNeeds(ctx.cwd, opts.needsFile, opts.need);
  const creds = opts.source === "local" ? null : credentialsFromEnv(ctx.env);
  if (opts.source === "cloudflare" && !creds) {
    throw new UserError("the Cloudflare source needs CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID", { hint: "set them (wrangler's names) or use --source local" });
  }
  const configPath = resolve(ctx.cwd, opts.config);
  const prom = prometheusFromEnv(opts.prometheusUrl, ctx.env);
  let input: CapacityInput;

  if (creds) {
    const api = new CloudflareApi(creds);
    // With --database given, wrangler (slow to load) is not needed: the Worker name is read directly.
    const wrangler = opts.database ? null : await readWranglerConfig(configPath, opts.binding);
    const name = opts.database ?? wrangler!.d1.databaseName;
    const scriptName = opts.scriptName ?? wrangler?.workerName ?? readWorkerName(configPath);
    progress.step(`Cloudflare: resolving D1 database ${name}`);
    const db = await api.resolveDatabase(name);
    if (typeof db.file_size !== "number" || !Number.isFinite(db.file_size) || db.file_size < 0) {
      throw new UserError(`Cloudflare API returned no file_size for D1 database ${db.name || name}: its size is unknown`, {
        hint: "retry in a minute (a database being created has no size yet); `wrangler d1 info <name>` shows what the API returns",
      });
    }
    progress.step("Cloudflare: GraphQL analytics (24h / 7d / 30d, size history)");
    const analytics = await fetchD1Analytics(api, creds.accountId, db.uuid, now);
    let worker: (WorkerInvocations & { scriptName: string }) | null = null;
    if (scriptName) {
      progress.step(`Cloudflare: Worker invocations of ${scriptName}`);
      try {
        worker = { scriptName, ...(await fetchWorkerInvocations(api, creds.accountId, scriptName, now)) };
      } catch (err) {
        // Workers analytics are a bonus: a token limited to D1 still gets the D1 report.
        ctx.stderr.write(`moltsecret: note: no Worker invocation analytics for ${scriptName} (${(err as Error).message})\n`);
      }
    }
    let rows: number | null = null;
    let tables: { name: string; rows: number }[] | undefined;
    if (opts.countRows) {
      progress.step("Cloudflare: counting rows (bills rows read)");
      ({ rows, tables } = await countRemoteRows(api, db.uuid));
    }
    input = {
      source: "cloudflare", now,
      database: { name: db.name, id: db.uuid, sizeBytes: db.file_size, numTables: Number(db.num_tables ?? tables?.length ?? 0), ...(tables ? { tables } : {}) },
      rows,
      history: analytics.sizeHistory,
      historyNote: "daily max databaseSizeBytes from d1StorageAdaptiveGroups",
      writeP95Seconds: null,
      writesPerSecond: analytics.peakWritesPerSecond,
      errorRate: worker && worker.requests1h > 0 ? worker.errors1h / worker.requests1h : null,
      needs,
      usage30d: { rowsRead: analytics.usage["30d"].rowsRead, rowsWritten: analytics.usage["30d"].rowsWritten },
      usage: { d1: analytics.usage, peakWriteMinute: analytics.peakMinute, worker },
    };
  } else {
    const info = await readWranglerConfig(configPath, opts.binding);
    progress.step("local D1: reading the SQLite file");
    const m = await measureLocalFile(info, opts.persistTo ? resolve(ctx.cwd, opts.persistTo) : undefined, now);
    input = {
      source: "local", now,
      database: { name: info.d1.databaseName, id: info.d1.databaseId, sizeBytes: m.sizeBytes, numTables: m.tables.length, tables: m.tables },
      rows: m.rows, history: m.history, historyNote: m.historyNote,
      writeP95Seconds: null, writesPerSecond: null, errorRate: null, needs,
      usage30d: { rowsRead: null, rowsWritten: null },
    };
  }

  if (opts.history) {
    input.history = await readHistoryFile(resolve(ctx.cwd, opts.history));
    input.historyNote = `from ${opts.history}`;
  }
  if (prom) {
    progress.step("Prometheus: write p95, write rate, error rate, size projection, 24 h usage");
    await addPrometheus(input, prom, opts.environment);
  }
  if (opts.overrides) input.overrides = opts.overrides;
  return input;
}

/**
 * The Prometheus signals, or, when Prometheus cannot answer, a note of what that leaves unmeasured: the size and
 * everything else already measured still make a report.
 */
async function addPrometheus(input: CapacityInput, prom: PrometheusOptions, environment: string | undefined): Promise<void> {
  let s;
  let rowsRead: number | null = null;
  let rowsWritten: number | null = null;
  try {
    s = await fetchCapacitySignals(prom, environment);
    if (input.usage30d.rowsRead === null) rowsRead = await instantQuery(prom, USAGE_TOTALS.rowsRead("30d"));
    if (input.usage30d.rowsWritten === null) rowsWritten = await instantQuery(prom, USAGE_TOTALS.rowsWritten("30d"));
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    // Only triggers that no other source measured show the reason; the others keep their value.
    input.sourceErrors = [...(input.sourceErrors ?? []), {
      source: "prometheus", message: err.message, ...(err.hint ? { hint: err.hint } : {}),
      affects: ["write_latency_p95", "write_rate", "error_rate", "d1_size_projection"],
    }];
    return;
  }
  input.writeP95Seconds = s.writeP95Seconds;
  input.writesPerSecond = s.writesPerSecond ?? input.writesPerSecond;
  input.errorRate = s.errorRate ?? input.errorRate;
  input.prometheusSizeBytes = s.sizeBytes;
  if (s.projection) {
    input.projection = projectPredictLinear(s.projection.fittedNowBytes, s.projection.projectedBytes, s.projection.horizonSeconds, input.now, RULE_WINDOWS.projectionLookback);
  }
  if (s.usage24h) input.prometheusUsage = { environment: s.environment, d1_24h: s.usage24h };
  if (rowsRead !== null) input.usage30d.rowsRead = rowsRead;
  if (rowsWritten !== null) input.usage30d.rowsWritten = rowsWritten;
}

async function countRemoteRows(api: CloudflareApi, uuid: string): Promise<{ rows: number; tables: { name: string; rows: number }[] }> {
  const [list] = await api.query(uuid, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY name");
  const names = (list?.results ?? []).map((r) => String(r.name));
  if (names.length === 0) return { rows: 0, tables: [] };
  const results = await api.query(uuid, names.map((n) => `SELECT count(*) AS n FROM "${n.replace(/"/g, '""')}"`).join("; "));
  const tables = names.map((name, i) => ({ name, rows: Number(results[i]?.results[0]?.n ?? 0) }));
  return { rows: tables.reduce((a, t) => a + t.rows, 0), tables };
}
