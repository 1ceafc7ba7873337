import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ATTR, METRICS, promLabel, promName } from "../../catalog/index.ts";
import { obsBinaries } from "../../scripts/obs/binaries.mjs";
import { freePort, startService } from "../../scripts/obs/service.mjs";

const run = promisify(execFile);

/** The Worker's traffic as Prometheus would have scraped it, with known answers. */
export interface Traffic {
  /** Writes per second, constant over the window. */
  writesPerSecond: number;
  /** Fractions of writes in latency buckets as the Worker waits for them (upper bounds in seconds; the rest above the last). */
  writeLatency: { le: number; fraction: number }[];
  /** The same for D1's own execution time (meta.duration), by default all within 5 ms: the round trip, not the SQL, is slow. */
  executionLatency?: { le: number; fraction: number }[];
  requestsPerSecond: number;
  errorRatio: number;
  rowsReadPerRequest: number;
  rowsWrittenPerRequest: number;
  hours: number;
  /** Read statements per second. */
  readsPerSecond?: number;
  /** d1_database_size_bytes: the size at the end of the window and its growth per day. */
  size?: { endBytes: number; bytesPerDay: number };
  /** deployment.environment.name on every series, as the OTLP gateway promotes it. */
  environment?: string;
}

/** The label every backfilled series carries when Traffic.environment is set. */
export const ENV = promLabel(ATTR.environment);

const STEP_S = 15;

/** OpenMetrics text of cumulative counters sampled every 15 s over `hours` ending 30 s ago. */
export function openMetrics(t: Traffic, nowS: number): string {
  const op = promLabel(ATTR.d1OperationType);
  const status = promLabel(ATTR.status);
  const d1Dur = promName(METRICS.d1QueryDuration);
  const clientDur = promName(METRICS.d1ClientDuration);
  const sizeName = promName(METRICS.d1DatabaseSize);
  const envLabel = t.environment ? `${ENV}="${t.environment}",` : "";
  const httpDur = promName(METRICS.httpServerDuration);
  const queries = promName(METRICS.d1Queries).replace(/_total$/, "");
  const rowsRead = promName(METRICS.d1RowsRead).replace(/_total$/, "");
  const rowsWritten = promName(METRICS.d1RowsWritten).replace(/_total$/, "");
  const end = nowS - 30;
  const start = end - t.hours * 3600;
  const lines: Record<string, string[]> = { d1Dur: [], clientDur: [], http: [], queries: [], rowsRead: [], rowsWritten: [], size: [] };
  for (let ts = start, i = 0; ts <= end; ts += STEP_S, i++) {
    const elapsed = i * STEP_S;
    const writes = t.writesPerSecond * elapsed;
    // D1's own execution time and the Worker-side call duration differ, so a query on the wrong one gives another p95.
    const execution = t.executionLatency ?? [{ le: 0.005, fraction: 1 }];
    for (const [key, name, buckets] of [["d1Dur", d1Dur, execution], ["clientDur", clientDur, t.writeLatency]] as const) {
      let cum = 0;
      for (const b of buckets) {
        cum += b.fraction;
        lines[key]!.push(`${name}_bucket{${envLabel}${op}="write",le="${b.le}"} ${Math.round(writes * cum)} ${ts}`);
      }
      lines[key]!.push(`${name}_bucket{${envLabel}${op}="write",le="+Inf"} ${Math.round(writes)} ${ts}`, `${name}_count{${envLabel}${op}="write"} ${Math.round(writes)} ${ts}`, `${name}_sum{${envLabel}${op}="write"} ${(writes * 0.03).toFixed(3)} ${ts}`);
    }
    if (t.size) lines.size!.push(`${sizeName}${t.environment ? `{${ENV}="${t.environment}"}` : ""} ${Math.round(t.size.endBytes - (t.size.bytesPerDay * (end - ts)) / 86_400)} ${ts}`);
    const requests = t.requestsPerSecond * elapsed;
    for (const [code, share] of [["200", 1 - t.errorRatio], ["500", t.errorRatio]] as const) {
      const n = Math.round(requests * share);
      lines.http!.push(`${httpDur}_bucket{${envLabel}${status}="${code}",le="+Inf"} ${n} ${ts}`, `${httpDur}_count{${envLabel}${status}="${code}"} ${n} ${ts}`, `${httpDur}_sum{${envLabel}${status}="${code}"} ${(n * 0.01).toFixed(3)} ${ts}`);
    }
    lines.queries!.push(`${queries}_total{${envLabel}${op}="write"} ${Math.round(writes)} ${ts}`);
    if (t.readsPerSecond) lines.queries!.push(`${queries}_total{${envLabel}${op}="read"} ${Math.round(t.readsPerSecond * elapsed)} ${ts}`);
    lines.rowsRead!.push(`${rowsRead}_total{${envLabel}${op}="read"} ${Math.round(requests * t.rowsReadPerRequest)} ${ts}`);
    lines.rowsWritten!.push(`${rowsWritten}_total{${envLabel}${op}="write"} ${Math.round(requests * t.rowsWrittenPerRequest)} ${ts}`);
  }
  return [
    `# TYPE ${d1Dur} histogram`, ...lines.d1Dur!,
    `# TYPE ${clientDur} histogram`, ...lines.clientDur!,
    ...(t.size ? [`# TYPE ${sizeName} gauge`, ...lines.size!] : []),
    `# TYPE ${httpDur} histogram`, ...lines.http!,
    `# TYPE ${queries} counter`, ...lines.queries!,
    `# TYPE ${rowsRead} counter`, ...lines.rowsRead!,
    `# TYPE ${rowsWritten} counter`, ...lines.rowsWritten!,
    "# EOF", "",
  ].join("\n");
}

/** Basic-auth user of the test Prometheus; the hash is bcrypt (cost 4) of PASSWORD, as Prometheus' web config wants. */
export const BASIC_AUTH = {
  user: "grafana-instance-1",
  password: "moltsecret-test-pw",
  bcrypt: "$2b$04$MIjucrOYveXI3XuSUa39W.kG56weqdj.snlZsEQLMAA70b8gwcD7u",
};

/** A real Prometheus on 127.0.0.1 whose TSDB was backfilled by promtool with `traffic`, optionally behind basic auth. */
export const startBackfilledPrometheus = (traffic: Traffic, opts: { basicAuth?: boolean } = {}): Promise<{ url: string; stop: () => Promise<void> }> =>
  startPrometheusFrom(openMetrics(traffic, Math.floor(Date.now() / 1000)), opts);

/** A real Prometheus on 127.0.0.1 whose TSDB promtool backfilled from OpenMetrics text, optionally behind basic auth. */
export async function startPrometheusFrom(openMetricsText: string, opts: { basicAuth?: boolean } = {}): Promise<{ url: string; stop: () => Promise<void> }> {
  const bins = await obsBinaries();
  const dir = await mkdtemp(join(tmpdir(), "moltsecret-prom-"));
  const input = join(dir, "traffic.om");
  await writeFile(input, openMetricsText);
  await run(bins.promtool, ["tsdb", "create-blocks-from", "openmetrics", input, join(dir, "data")], { timeout: 60_000 });
  await writeFile(join(dir, "prometheus.yml"), "global:\n  scrape_interval: 1m\n");
  const port = await freePort();
  const args = [`--config.file=${join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`, "--storage.tsdb.retention.time=30d"];
  if (opts.basicAuth) {
    await writeFile(join(dir, "web.yml"), `basic_auth_users:\n  ${BASIC_AUTH.user}: "${BASIC_AUTH.bcrypt}"\n`);
    args.push(`--web.config.file=${join(dir, "web.yml")}`);
  }
  const svc = await startService({ name: "prometheus", cmd: bins.prometheus, args });
  const headers: Record<string, string> = opts.basicAuth ? { authorization: `Basic ${Buffer.from(`${BASIC_AUTH.user}:${BASIC_AUTH.password}`).toString("base64")}` } : {};
  for (let waited = 0; ; waited += 100) {
    const ready = await fetch(`http://127.0.0.1:${port}/-/ready`, { headers, signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
    if (ready) break;
    if (waited > 30_000 || svc.child.exitCode !== null) {
      await svc.stop();
      throw new Error(`prometheus not ready on 127.0.0.1:${port}:\n${svc.output().slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      await svc.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
