import { ATTR, METRICS, promLabel, promName } from "../../catalog/index.ts";
import { UserError } from "../errors.ts";

export interface PrometheusOptions {
  url: string;
  /** Basic auth (Grafana Cloud: instance id and an access-policy token), or a bearer token. */
  user?: string;
  password?: string;
  bearerToken?: string;
}

export function prometheusFromEnv(url: string | undefined, env: NodeJS.ProcessEnv): PrometheusOptions | null {
  if (!url) return null;
  return { url: url.replace(/\/+$/, ""), user: env.PROMETHEUS_USER, password: env.PROMETHEUS_PASSWORD, bearerToken: env.PROMETHEUS_BEARER_TOKEN };
}

const op = promLabel(ATTR.d1OperationType);
const status = promLabel(ATTR.status);

/** The PromQL the CLI runs, built from the catalog's metric definitions so the names match what the Worker exports. */
export const QUERIES = {
  writeP95: `histogram_quantile(0.95, sum by (le) (rate(${promName(METRICS.d1QueryDuration)}_bucket{${op}="write"}[1h])))`,
  peakWriteRate: `max_over_time(sum(rate(${promName(METRICS.d1Queries)}{${op}="write"}[5m]))[1d:5m])`,
  errorRate: `sum(rate(${promName(METRICS.httpServerDuration)}_count{${status}=~"5.."}[1h])) / sum(rate(${promName(METRICS.httpServerDuration)}_count[1h]))`,
  requests: (w: string) => `sum(increase(${promName(METRICS.httpServerDuration)}_count[${w}]))`,
  rowsRead: (w: string) => `sum(increase(${promName(METRICS.d1RowsRead)}[${w}]))`,
  rowsWritten: (w: string) => `sum(increase(${promName(METRICS.d1RowsWritten)}[${w}]))`,
  kvLookups: (w: string) => `sum(increase(${promName(METRICS.cacheLookups)}{${promLabel(ATTR.cacheLayer)}="kv"}[${w}]))`,
  cpuMsSum: (w: string) => `sum(increase(${promName(METRICS.workerCpuTime)}_sum[${w}]))`,
  cpuMsCount: (w: string) => `sum(increase(${promName(METRICS.workerCpuTime)}_count[${w}]))`,
};

/** One instant query; null when the result is empty or not a number (metric not exported yet). */
export async function instantQuery(p: PrometheusOptions, query: string, fetchImpl: typeof fetch = fetch): Promise<number | null> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (p.bearerToken) headers.authorization = `Bearer ${p.bearerToken}`;
  else if (p.user || p.password) headers.authorization = `Basic ${Buffer.from(`${p.user ?? ""}:${p.password ?? ""}`).toString("base64")}`;
  const url = `${p.url}/api/v1/query?${new URLSearchParams({ query })}`;
  let res: Response;
  try {
    res = await fetchImpl(url, { headers, signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    throw new UserError(`Prometheus unreachable at ${p.url}: ${(err as Error).message}`, { hint: "check --prometheus-url", cause: err });
  }
  if (res.status === 401 || res.status === 403) {
    throw new UserError(`Prometheus refused the credentials (HTTP ${res.status})`, { hint: "set PROMETHEUS_USER and PROMETHEUS_PASSWORD (Grafana Cloud: instance id and token)" });
  }
  const body = (await res.json().catch(() => null)) as { status?: string; error?: string; data?: { resultType: string; result: unknown } } | null;
  if (!res.ok || body?.status !== "success") {
    throw new UserError(`Prometheus query failed (HTTP ${res.status}): ${body?.error ?? "no error detail"}`, { hint: "check --prometheus-url points at a Prometheus query API (…/api/prom for Grafana Cloud)" });
  }
  const { resultType, result } = body.data!;
  let raw: string | undefined;
  if (resultType === "scalar") raw = (result as [number, string])[1];
  else if (resultType === "vector") raw = (result as Array<{ value: [number, string] }>)[0]?.value[1];
  if (raw === undefined) return null;
  const n = Number(raw);
  return Number.isFinite(n) ? n : null;
}

export interface WorkerSignals {
  writeP95Seconds: number | null;
  writesPerSecond: number | null;
  errorRate: number | null;
}

export async function fetchWorkerSignals(p: PrometheusOptions, fetchImpl?: typeof fetch): Promise<WorkerSignals> {
  const [writeP95Seconds, writesPerSecond, errorRate] = await Promise.all([
    instantQuery(p, QUERIES.writeP95, fetchImpl),
    instantQuery(p, QUERIES.peakWriteRate, fetchImpl),
    instantQuery(p, QUERIES.errorRate, fetchImpl),
  ]);
  return { writeP95Seconds, writesPerSecond, errorRate };
}
