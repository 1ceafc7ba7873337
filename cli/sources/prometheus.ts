import { UserError } from "../errors.ts";
import { checkCredential } from "../io/credentials.ts";

export interface PrometheusOptions {
  url: string;
  /** Basic auth (Grafana Cloud: instance id and an access-policy token), or a bearer token. */
  user?: string;
  password?: string;
  bearerToken?: string;
}

const URL_HINT = "give the Prometheus query API base, e.g. http://127.0.0.1:9090 or https://prometheus-prod-NN-REGION.grafana.net/api/prom";

/** The URL as it may be printed: user info (credentials) replaced. */
const printable = (url: URL) => `${url.protocol}//${url.username || url.password ? "***@" : ""}${url.host}${url.pathname.replace(/\/+$/, "")}`;

export function prometheusFromEnv(url: string | undefined, env: NodeJS.ProcessEnv): PrometheusOptions | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(`invalid --prometheus-url "${url.slice(0, 80)}": not a URL`, { hint: URL_HINT });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new UserError(`invalid --prometheus-url: ${parsed.protocol} is not http: or https:`, { hint: URL_HINT });
  }
  if (parsed.search || parsed.hash) throw new UserError("invalid --prometheus-url: it must not carry a query or fragment", { hint: URL_HINT });
  return {
    url: url.replace(/\/+$/, ""),
    user: checkCredential(env.PROMETHEUS_USER, "PROMETHEUS_USER"),
    password: checkCredential(env.PROMETHEUS_PASSWORD, "PROMETHEUS_PASSWORD"),
    bearerToken: checkCredential(env.PROMETHEUS_BEARER_TOKEN, "PROMETHEUS_BEARER_TOKEN"),
  };
}

/** A Prometheus duration (`7d`, `1h30m`, `90s`): checked here so a typo is blamed on the flag, not on the server. */
export function checkPromDuration(text: string, flag: string): string {
  if (/^(\d+(ms|s|m|h|d|w|y))+$/.test(text)) return text;
  throw new UserError(`invalid ${flag} "${text.slice(0, 40)}": not a Prometheus duration`, { hint: "use a number with a unit, e.g. 7d, 24h, 30m (units ms, s, m, h, d, w, y)" });
}

/** What came back, in a few words: Prometheus' own error, or the start of whatever else answered. */
function describeAnswer(res: Response, text: string, body: unknown): string {
  if (body && typeof body === "object") {
    const b = body as { error?: unknown; errorType?: unknown };
    if (typeof b.error === "string") return `${typeof b.errorType === "string" ? `${b.errorType}: ` : ""}${b.error}`;
    return `a JSON body that is not a Prometheus API answer: ${JSON.stringify(body).slice(0, 160)}`;
  }
  const type = res.headers.get("content-type")?.split(";")[0] ?? "no content type";
  const start = text.replace(/\s+/g, " ").trim().slice(0, 120);
  return start ? `${type}: ${start}` : `an empty ${type} body`;
}

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** One instant query; null when the result is empty or not a number (metric not exported yet). */
export async function instantQuery(p: PrometheusOptions, query: string, fetchImpl: typeof fetch = fetch): Promise<number | null> {
  const samples = await instantVector(p, query, fetchImpl);
  return samples[0]?.value ?? null;
}

/** Every series of an instant query with a finite value (a scalar answers as one unlabelled sample). */
export async function instantVector(p: PrometheusOptions, query: string, fetchImpl: typeof fetch = fetch): Promise<Sample[]> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (p.bearerToken) headers.authorization = `Bearer ${p.bearerToken}`;
  else if (p.user || p.password) headers.authorization = `Basic ${Buffer.from(`${p.user ?? ""}:${p.password ?? ""}`).toString("base64")}`;
  const endpoint = new URL(`${p.url}/api/v1/query`);
  const where = printable(endpoint);
  let res: Response;
  try {
    res = await fetchImpl(`${endpoint.href}?${new URLSearchParams({ query })}`, { headers, signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    const c = (err as { cause?: { code?: string; message?: string } }).cause;
    const cause = c?.code ?? c?.message ?? (err as Error).name;
    throw new UserError(`Prometheus unreachable at ${printable(new URL(p.url))} (${cause})`, { hint: "check --prometheus-url and that Prometheus is running", cause: err });
  }
  if (res.status === 401 || res.status === 403) {
    throw new UserError(`Prometheus refused the credentials (HTTP ${res.status})`, { hint: "set PROMETHEUS_USER and PROMETHEUS_PASSWORD (Grafana Cloud: instance id and token)" });
  }
  const text = await res.text();
  let body: { status?: string; data?: { resultType: string; result: unknown } } | null = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  if (!res.ok || body?.status !== "success" || !body.data) {
    throw new UserError(`Prometheus query failed: ${where} answered HTTP ${res.status} with ${describeAnswer(res, text, body)}`, {
      hint: "check --prometheus-url points at a Prometheus query API (…/api/prom for Grafana Cloud)",
    });
  }
  const { resultType, result } = body.data;
  const samples: Sample[] = [];
  if (resultType === "scalar") samples.push({ labels: {}, value: Number((result as [number, string])[1]) });
  else if (resultType === "vector") {
    for (const r of result as Array<{ metric?: Record<string, string>; value: [number, string] }>) samples.push({ labels: r.metric ?? {}, value: Number(r.value[1]) });
  }
  return samples.filter((x) => Number.isFinite(x.value));
}

