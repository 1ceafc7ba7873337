import { UserError } from "../errors.ts";
import { checkCredential } from "../io/credentials.ts";
import type { SizePoint } from "./size-point.ts";
import { DAY_MS, isoDate } from "../units.ts";

export const DEFAULT_API_BASE = "https://api.cloudflare.com/client/v4";

export interface CloudflareCredentials {
  token: string;
  accountId: string;
  baseUrl: string;
}

/** wrangler's variable names; null when the Cloudflare source is not configured. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): CloudflareCredentials | null {
  const token = env.CLOUDFLARE_API_TOKEN;
  const accountId = env.CLOUDFLARE_ACCOUNT_ID;
  if (!token && !accountId) return null;
  if (!token || !accountId) {
    throw new UserError(`${token ? "CLOUDFLARE_ACCOUNT_ID" : "CLOUDFLARE_API_TOKEN"} is not set`, {
      hint: "set both CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID, or neither for the local source",
    });
  }
  checkCredential(token, "CLOUDFLARE_API_TOKEN");
  return { token, accountId, baseUrl: (env.CLOUDFLARE_API_BASE_URL || DEFAULT_API_BASE).replace(/\/+$/, "") };
}

interface Envelope<T> {
  success: boolean;
  errors?: { code: number; message: string }[];
  result: T;
  result_info?: { page?: number; per_page?: number; count?: number; total_count?: number };
}

export interface D1DatabaseDetails {
  uuid: string;
  name: string;
  file_size?: number;
  num_tables?: number;
  version?: string;
  created_at?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PER_PAGE = 100;

const describeErrors = (errors: { code: number; message: string }[] | undefined) =>
  (errors ?? []).map((e) => `${e.message} (code ${e.code})`).join("; ") || "no error details";

export class CloudflareApi {
  constructor(private readonly creds: CloudflareCredentials, private readonly fetchImpl: typeof fetch = fetch) {}

  private async call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<{ status: number; json: T }> {
    const url = `${this.creds.baseUrl}${path}`;
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        method,
        headers: { authorization: `Bearer ${this.creds.token}`, "content-type": "application/json", accept: "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (err) {
      throw new UserError(`Cloudflare API unreachable at ${this.creds.baseUrl}: ${(err as Error).message}`, {
        hint: "check the network or CLOUDFLARE_API_BASE_URL", cause: err,
      });
    }
    const text = await res.text();
    let json: T;
    try {
      json = JSON.parse(text) as T;
    } catch {
      throw new UserError(`Cloudflare API answered ${res.status} with a non-JSON body on ${method} ${path}`, { hint: "check CLOUDFLARE_API_BASE_URL" });
    }
    if (json === null || typeof json !== "object") {
      throw new UserError(`Cloudflare API answered ${res.status} with a JSON ${json === null ? "null" : typeof json} body on ${method} ${path}, not an API envelope`, {
        hint: "retry later; if it persists, check CLOUDFLARE_API_BASE_URL",
      });
    }
    if (res.status === 401 || res.status === 403) {
      const detail = describeErrors((json as unknown as Envelope<unknown>).errors);
      throw new UserError(`Cloudflare API refused the token (HTTP ${res.status}): ${detail}`, {
        hint: "the token needs Account > D1 > Read and Account > Account Analytics > Read for CLOUDFLARE_ACCOUNT_ID",
      });
    }
    return { status: res.status, json };
  }

  private async rest<T>(path: string, what: string): Promise<Envelope<T>> {
    const { status, json } = await this.call<Envelope<T>>("GET", path);
    if (status === 404 || !json.success) {
      throw new UserError(`Cloudflare API: ${what} failed (HTTP ${status}): ${describeErrors(json.errors)}`, {
        hint: status === 404 ? "check --database and CLOUDFLARE_ACCOUNT_ID" : "see the Cloudflare API error above",
      });
    }
    return json;
  }

  private accountPath = () => `/accounts/${encodeURIComponent(this.creds.accountId)}`;

  /** A database by uuid, or by name through the paginated list. */
  async resolveDatabase(nameOrId: string): Promise<D1DatabaseDetails> {
    let uuid = nameOrId;
    if (!UUID.test(nameOrId)) {
      const found = await this.findByName(nameOrId);
      if (!found) {
        throw new UserError(`unknown D1 database "${nameOrId}" in account ${this.creds.accountId}`, {
          hint: "list them with `wrangler d1 list`; pass --database <name|uuid>",
        });
      }
      uuid = found.uuid;
    }
    const { status, json } = await this.call<Envelope<D1DatabaseDetails>>("GET", `${this.accountPath()}/d1/database/${encodeURIComponent(uuid)}`);
    if (status === 404 || !json.success || !json.result) {
      throw new UserError(`unknown D1 database "${nameOrId}" (HTTP ${status}: ${describeErrors(json.errors)})`, {
        hint: "check --database and CLOUDFLARE_ACCOUNT_ID; list databases with `wrangler d1 list`",
      });
    }
    return json.result;
  }

  async findByName(name: string): Promise<D1DatabaseDetails | null> {
    for (let page = 1; page <= 1000; page++) {
      const q = new URLSearchParams({ name, page: String(page), per_page: String(PER_PAGE) });
      const env = await this.rest<D1DatabaseDetails[]>(`${this.accountPath()}/d1/database?${q}`, "listing D1 databases");
      const items = env.result ?? [];
      const hit = items.find((d) => d.name === name);
      if (hit) return hit;
      const info = env.result_info;
      const seen = (page - 1) * PER_PAGE + items.length;
      if (items.length === 0 || items.length < (info?.per_page ?? PER_PAGE) || (info?.total_count !== undefined && seen >= info.total_count)) return null;
    }
    return null;
  }

  /** POST .../query: statements joined by semicolons run as one batch; one result per statement. */
  async query(databaseId: string, sql: string): Promise<Array<{ results: Record<string, unknown>[]; success: boolean; meta?: { size_after?: number; rows_read?: number } }>> {
    const { status, json } = await this.call<Envelope<Array<{ results: Record<string, unknown>[]; success: boolean }>>>(
      "POST", `${this.accountPath()}/d1/database/${encodeURIComponent(databaseId)}/query`, { sql },
    );
    if (status >= 400 || !json.success) {
      throw new UserError(`Cloudflare API: D1 query failed (HTTP ${status}): ${describeErrors(json.errors)}`, { hint: "the token needs Account > D1 > Edit to run queries" });
    }
    return json.result;
  }

  async graphql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    const { status, json } = await this.call<{ data?: T | null; errors?: { message: string }[] | null }>("POST", "/graphql", { query, variables });
    if (json.errors && json.errors.length > 0) {
      throw new UserError(`Cloudflare GraphQL Analytics API error (HTTP ${status}): ${json.errors.map((e) => e.message).join("; ")}`, {
        hint: "the token needs Account Analytics > Read; analytics are kept 31 days",
      });
    }
    if (status >= 400 || !json.data) throw new UserError(`Cloudflare GraphQL Analytics API answered HTTP ${status} without data`, { hint: "retry later" });
    return json.data;
  }
}

/** Sums of d1AnalyticsAdaptiveGroups over one window. */
export interface D1Usage {
  readQueries: number;
  writeQueries: number;
  rowsRead: number;
  rowsWritten: number;
}

export interface D1Analytics {
  usage: { "24h": D1Usage; "7d": D1Usage; "30d": D1Usage };
  peakWritesPerSecond: number | null;
  peakMinute: string | null;
  sizeHistory: SizePoint[];
}

const USAGE_FIELDS = "sum { readQueries writeQueries rowsRead rowsWritten }";

export const D1_ANALYTICS_QUERY = `query MoltsecretD1Capacity($accountTag: string!, $databaseId: string!, $since24h: Time!, $since7d: Time!, $since30d: Time!, $until: Time!, $sinceDate: Date!, $untilDate: Date!) {
  viewer {
    accounts(filter: { accountTag: $accountTag }) {
      last24h: d1AnalyticsAdaptiveGroups(limit: 1, filter: { databaseId: $databaseId, datetimeHour_geq: $since24h, datetimeHour_leq: $until }) { ${USAGE_FIELDS} }
      last7d: d1AnalyticsAdaptiveGroups(limit: 1, filter: { databaseId: $databaseId, datetimeHour_geq: $since7d, datetimeHour_leq: $until }) { ${USAGE_FIELDS} }
      last30d: d1AnalyticsAdaptiveGroups(limit: 1, filter: { databaseId: $databaseId, datetimeHour_geq: $since30d, datetimeHour_leq: $until }) { ${USAGE_FIELDS} }
      peakMinute: d1AnalyticsAdaptiveGroups(limit: 1, filter: { databaseId: $databaseId, datetimeMinute_geq: $since24h, datetimeMinute_leq: $until }, orderBy: [sum_writeQueries_DESC]) {
        sum { writeQueries }
        dimensions { datetimeMinute }
      }
      storage: d1StorageAdaptiveGroups(limit: 10000, filter: { databaseId: $databaseId, date_geq: $sinceDate, date_leq: $untilDate }, orderBy: [date_ASC]) {
        max { databaseSizeBytes }
        dimensions { date }
      }
    }
  }
}`;

interface AnalyticsData {
  viewer: {
    accounts: Array<{
      last24h?: Array<{ sum?: Partial<D1Usage> }>;
      last7d?: Array<{ sum?: Partial<D1Usage> }>;
      last30d?: Array<{ sum?: Partial<D1Usage> }>;
      peakMinute?: Array<{ sum?: { writeQueries?: number }; dimensions?: { datetimeMinute?: string } }>;
      storage?: Array<{ max?: { databaseSizeBytes?: number }; dimensions?: { date?: string } }>;
    }>;
  };
}

const usage = (groups: Array<{ sum?: Partial<D1Usage> }> | undefined): D1Usage => {
  const s = groups?.[0]?.sum ?? {};
  return { readQueries: Number(s.readQueries ?? 0), writeQueries: Number(s.writeQueries ?? 0), rowsRead: Number(s.rowsRead ?? 0), rowsWritten: Number(s.rowsWritten ?? 0) };
};

/** 24 h / 7 d / 30 d sums, the busiest write minute of the last day, and the daily max size (data is kept 31 days). */
export async function fetchD1Analytics(api: CloudflareApi, accountTag: string, databaseId: string, now: number): Promise<D1Analytics> {
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
  const data = await api.graphql<AnalyticsData>(D1_ANALYTICS_QUERY, {
    accountTag, databaseId,
    since24h: iso(now - DAY_MS), since7d: iso(now - 7 * DAY_MS), since30d: iso(now - 30 * DAY_MS), until: iso(now),
    sinceDate: isoDate(now - 30 * DAY_MS), untilDate: isoDate(now),
  });
  const account = data.viewer?.accounts?.[0];
  if (!account) throw new UserError(`Cloudflare GraphQL Analytics API returned no account ${accountTag}`, { hint: "check CLOUDFLARE_ACCOUNT_ID" });
  const peak = account.peakMinute?.[0];
  const sizeHistory = (account.storage ?? [])
    .filter((g) => g.dimensions?.date && g.max?.databaseSizeBytes !== undefined)
    // A day's max is reached by its end; dating it at noon keeps today's partial day from skewing the slope.
    .map((g) => ({ t: Date.parse(`${g.dimensions!.date}T12:00:00Z`), bytes: Number(g.max!.databaseSizeBytes) }));
  return {
    usage: { "24h": usage(account.last24h), "7d": usage(account.last7d), "30d": usage(account.last30d) },
    peakWritesPerSecond: peak?.sum?.writeQueries !== undefined ? Number(peak.sum.writeQueries) / 60 : null,
    peakMinute: peak?.dimensions?.datetimeMinute ?? null,
    sizeHistory,
  };
}

/** Worker invocations from the platform's own analytics (workersInvocationsAdaptive), for the error rate and request volume. */
export interface WorkerInvocations {
  requests1h: number;
  errors1h: number;
  requests30d: number;
  errors30d: number;
  cpuTimeUs30d: number;
}

export const WORKERS_QUERY = `query MoltsecretWorkerInvocations($accountTag: string!, $scriptName: string!, $since1h: Time!, $since30d: Time!, $until: Time!) {
  viewer {
    accounts(filter: { accountTag: $accountTag }) {
      last1h: workersInvocationsAdaptive(limit: 1, filter: { scriptName: $scriptName, datetime_geq: $since1h, datetime_leq: $until }) { sum { requests errors cpuTimeUs } }
      last30d: workersInvocationsAdaptive(limit: 1, filter: { scriptName: $scriptName, datetime_geq: $since30d, datetime_leq: $until }) { sum { requests errors cpuTimeUs } }
    }
  }
}`;

type InvocationSums = Array<{ sum?: { requests?: number; errors?: number; cpuTimeUs?: number } }>;

export async function fetchWorkerInvocations(api: CloudflareApi, accountTag: string, scriptName: string, now: number): Promise<WorkerInvocations> {
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
  const data = await api.graphql<{ viewer: { accounts: Array<{ last1h?: InvocationSums; last30d?: InvocationSums }> } }>(WORKERS_QUERY, {
    accountTag, scriptName, since1h: iso(now - 3_600_000), since30d: iso(now - 30 * DAY_MS), until: iso(now),
  });
  const a = data.viewer?.accounts?.[0];
  const h = a?.last1h?.[0]?.sum ?? {};
  const m = a?.last30d?.[0]?.sum ?? {};
  return {
    requests1h: Number(h.requests ?? 0), errors1h: Number(h.errors ?? 0),
    requests30d: Number(m.requests ?? 0), errors30d: Number(m.errors ?? 0), cpuTimeUs30d: Number(m.cpuTimeUs ?? 0),
  };
}
