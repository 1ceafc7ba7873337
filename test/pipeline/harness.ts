import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { ROOT, applyLocalMigrations, startWranglerDev } from "../../scripts/dev/wrangler-dev.mjs";
import { pollUntil } from "../../scripts/lib/poll.mjs";
import { startOtlpReceiver } from "../../scripts/obs/otlp-receiver.mjs";
import { freePort, stopAllServices } from "../../scripts/obs/service.mjs";
import { startStandIn } from "../../scripts/obs/stand-in.mjs";

export interface CapturedBatch {
  signal: "metrics" | "logs" | "traces";
  items: number;
  bytes: number;
  body: Buffer;
  at: number;
  forwardStatus?: number;
  /** Receiver mode when the batch arrived. */
  mode: string;
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface Pipeline {
  /** The Grafana Cloud stand-in's Prometheus: PromQL at {promUrl}/api/v1/query, alerts at {promUrl}/api/v1/alerts. */
  promUrl: string;
  /** Prometheus text format with timestamps, relabelled and stored as the Worker's OTLP is (samples a test adds). */
  importUrl: string;
  /** The real Worker under `wrangler dev --local`. */
  workerUrl: string;
  /** OTLP base URL the Worker exports to (metrics forwarded to the stand-in, logs/traces captured). */
  otlpUrl: string;
  /** Every OTLP batch the Worker sent. */
  batches: CapturedBatch[];
  /** Readiness probes the harness sent to /healthz that got an answer, as "GET /healthz STATUS" -> count (the Worker counted them too). */
  probes: Map<string, number>;
  /** Every stdout/stderr line of wrangler dev (the Worker's console lines). */
  consoleLines: () => string[];
  /** Instant PromQL query against the stand-in, once everything it received so far is stored. */
  query: (promql: string) => Promise<PromSample[]>;
  /** Waits until every export the stand-in accepted so far is queryable. */
  flush: () => Promise<void>;
  /** Stops the Worker (and its workerd) and starts a new `wrangler dev` over the same persisted state: a new isolate. */
  restartWorker: () => Promise<void>;
  /** Receiver behaviour: "ok", "fail" (HTTP 500), "hang" (never answers) or "refuse" (port closed). */
  setBackendMode: (mode: "ok" | "fail" | "hang" | "refuse") => Promise<void>;
  /** Size of the D1 database as SQLite itself counts it (page_count x page_size, WAL included): what D1 reports as meta.size_after. */
  d1SizeBytes: () => Promise<number>;
  /** RSS of the workerd process(es) serving the Worker, bytes. */
  workerdRss: () => number;
  /** Open file descriptors of the workerd process(es): sockets that leak show here long before requests fail. */
  workerdFds: () => number;
  /** wrangler dev's inspector (DevTools protocol) on 127.0.0.1: see heapAfterGc(). */
  inspectorPort: number;
  stop: () => Promise<void>;
}

export interface PipelineOptions {
  /** Export interval, ms (default 1000). */
  exportIntervalMs?: number;
  /** Extra Worker vars (strings), e.g. rate limits. */
  vars?: Record<string, string>;
  /** Point the Worker at this OTLP base instead of the local receiver (outage tests). */
  otlpEndpoint?: string;
  /** Trace head-sampling ratio (default "1"). */
  sampleRatio?: string;
  /** wrangler dev --log-level (default "log": the Worker's console lines are captured). */
  logLevel?: "log" | "warn" | "error";
  /** Also run the Tail Worker (tail/wrangler.toml) as a second wrangler dev, found through a private dev registry. */
  tail?: boolean;
  /** Evaluation interval of the stand-in's alert rules (default: as generated, 1m). */
  ruleInterval?: string;
  /** The API's wrangler config (default wrangler.toml), e.g. one whose aggregator binding points nowhere. */
  configPath?: string;
}

function descendants(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(entry), ...descendants(Number(entry)));
    } catch {
      // process went away
    }
  }
  return out;
}

const rssOf = (pid: number): number => {
  try {
    const m = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/);
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
};

const fdsOf = (pid: number): number => {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
};

/** Every pipeline's stop, so a hook that timed out half-way through startPipeline() is still cleaned up. */
const openPipelines = new Set<() => Promise<void>>();

/**
 * For afterAll: stops every pipeline this test file started, also one whose startPipeline() has not returned (a
 * beforeAll that timed out), and every process it spawned, as whole process groups.
 */
export async function stopPipelines(): Promise<void> {
  await Promise.all([...openPipelines].map((stop) => stop()));
  await stopAllServices();
}

/**
 * The local Grafana Cloud stand-in (vmagent -> real Prometheus, scripts/obs/stand-in.mjs) + a capturing OTLP receiver
 * (which forwards /v1/metrics to it) + the real Worker under `wrangler dev --local` with its own D1 state, exporting
 * every `exportIntervalMs`. Everything on 127.0.0.1, on OS-assigned ports, in per-run directories.
 * The dashboards and alerts can point their PromQL at `promUrl` after driving `workerUrl`.
 */
export async function startPipeline(options: PipelineOptions = {}): Promise<Pipeline> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    openPipelines.delete(stop);
    for (const s of stops.splice(0).reverse()) await s().catch(() => undefined);
  };
  openPipelines.add(stop);
  try {
    const standIn = await startStandIn({ interval: options.ruleInterval });
    stops.push(() => standIn.stop());
    const receiver = await startOtlpReceiver({ forwardMetricsTo: standIn.agentUrl });
    stops.push(() => receiver.close());

    mkdirSync(join(ROOT, ".cache", "pipeline"), { recursive: true });
    const persist = mkdtempSync(join(ROOT, ".cache", "pipeline", "state-"));
    stops.push(async () => rmSync(persist, { recursive: true, force: true }));
    await applyLocalMigrations({ persistTo: persist });

    // A private dev registry: the API's tail_consumers finds only this harness's Tail Worker, and other sessions on
    // the machine never see ours.
    const registry = join(persist, "registry");
    mkdirSync(registry, { recursive: true });
    const devEnv = { WRANGLER_REGISTRY_PATH: registry };
    if (options.tail) {
      const tail = await startWranglerDev({
        name: "wrangler dev (tail)",
        configs: ["tail/wrangler.toml"],
        persistTo: persist,
        vars: { OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint ?? receiver.url, OTEL_METRIC_EXPORT_INTERVAL: String(options.exportIntervalMs ?? 1000), ENVIRONMENT: "pipeline-test" },
        env: devEnv,
        // A Tail Worker has no fetch handler; it is up once it has registered itself.
        ready: async () => readdirSync(registry).some((f) => f.includes("moltsecret-tail")),
      });
      stops.push(() => tail.stop());
    }
    const [port, inspectorPort] = [await freePort(), await freePort()];
    const vars: Record<string, string> = {
      OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint ?? receiver.url,
      OTEL_METRIC_EXPORT_INTERVAL: String(options.exportIntervalMs ?? 1000),
      OTEL_TRACES_SAMPLER_ARG: options.sampleRatio ?? "1",
      // The pipeline tests read every request's console line (durations, leak scan); production writes only failures'.
      LOG_REQUESTS_TO_CONSOLE: "all",
      ENVIRONMENT: "pipeline-test",
      ...options.vars,
    };
    const workerUrl = `http://127.0.0.1:${port}`;
    const lines: string[] = [];
    let partial = "";
    const collect = (chunk: Buffer) => {
      const text = partial + chunk.toString("utf8");
      const parts = text.split("\n");
      partial = parts.pop() ?? "";
      lines.push(...parts);
    };
    const probes = new Map<string, number>();
    const startWorker = async () => {
      const service = await startWranglerDev({
        configs: options.configPath ? [options.configPath] : [],
        port,
        inspectorPort,
        persistTo: persist,
        vars,
        logLevel: options.logLevel ?? "log",
        env: devEnv,
        onOutput: collect,
        ready: async () => {
          try {
            const res = await fetch(`${workerUrl}/healthz`, { signal: AbortSignal.timeout(5_000) });
            await res.arrayBuffer();
            const key = `GET /healthz ${res.status}`;
            probes.set(key, (probes.get(key) ?? 0) + 1);
            return res.ok;
          } catch {
            return false;
          }
        },
      });
      stops.push(() => service.stop());
      return service;
    };
    let worker = await startWorker();
    const workerdPids = () => descendants(worker.pid).filter((pid) => /workerd/.test(readFileSync(`/proc/${pid}/cmdline`, "utf8")));

    return {
      promUrl: standIn.url,
      importUrl: standIn.importUrl,
      workerUrl,
      otlpUrl: receiver.url,
      batches: receiver.batches,
      probes,
      consoleLines: () => (partial ? [...lines, partial] : lines),
      query: async (promql) => {
        await standIn.flush();
        return standIn.query(promql);
      },
      flush: () => standIn.flush(),
      restartWorker: async () => {
        await worker.stop();
        worker = await startWorker();
      },
      setBackendMode: (mode) => receiver.setMode(mode),
      d1SizeBytes: async () => {
        const dir = join(persist, "v3", "d1", "miniflare-D1DatabaseObject");
        const [file, ...others] = readdirSync(dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
        if (!file || others.length) throw new Error(`expected one D1 database file in ${dir}`);
        const db = createClient({ url: `file:${join(dir, file)}` });
        try {
          const { rows } = await db.execute("SELECT page_count * page_size AS size FROM pragma_page_count(), pragma_page_size()");
          return Number(rows[0]!.size);
        } finally {
          db.close();
        }
      },
      inspectorPort,
      workerdRss: () => workerdPids().reduce((n, pid) => n + rssOf(pid), 0),
      workerdFds: () => workerdPids().reduce((n, pid) => n + fdsOf(pid), 0),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Polls `check` until it returns true or the timeout passes. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 20_000, everyMs = 250): Promise<void> {
  await pollUntil(check, { timeoutMs, everyMs });
}
