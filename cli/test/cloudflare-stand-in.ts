import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One D1 database as the stand-in knows it (the documented d1_database-details-response fields). */
export interface StandInDatabase {
  uuid: string;
  name: string;
  /** Absent: the details answer leaves the field out (seen for a database being created). */
  file_size?: number;
  num_tables: number;
  version?: string;
  created_at?: string;
  /** Daily max databaseSizeBytes for d1StorageAdaptiveGroups. */
  storage?: { date: string; bytes: number }[];
  usage?: { readQueries: number; writeQueries: number; rowsRead: number; rowsWritten: number };
  peakMinuteWrites?: number;
  tables?: Record<string, number>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  body: unknown;
}

const fail = (code: number, message: string) => ({ success: false, errors: [{ code, message }], messages: [], result: null });
const ok = (result: unknown, result_info?: unknown) => ({ success: true, errors: [], messages: [], result, ...(result_info ? { result_info } : {}) });

/**
 * A local stand-in for the parts of Cloudflare's API the CLI calls, answering the shapes of
 * ../shared/cloudflare/d1-openapi.json (envelope, pagination, 4XX failure envelope) and the GraphQL Analytics API.
 */
export class CloudflareStandIn {
  readonly requests: RecordedRequest[] = [];
  private server: Server | undefined;
  /** Forces every REST answer to `success: false` with HTTP 200 (seen during incidents). */
  envelopeFailure = false;
  /** Answers every REST call with HTTP 200 and the JSON body `null`. */
  nullBody = false;

  /** workersInvocationsAdaptive sums per script name. */
  workers: Record<string, { requests1h: number; errors1h: number; requests30d: number; errors30d: number; cpuTimeUs30d: number }> = {};

  constructor(readonly token: string, readonly accountId: string, readonly databases: StandInDatabase[]) {}

  get baseUrl(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}/client/v4`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(([status, body]) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()));
  }

  private async handle(req: IncomingMessage): Promise<[number, unknown]> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    let raw = "";
    for await (const chunk of req) raw += chunk;
    const body = raw ? JSON.parse(raw) : undefined;
    this.requests.push({ method: req.method ?? "", path: url.pathname, query: url.searchParams, authorization: req.headers.authorization, body });
    if (req.headers.authorization !== `Bearer ${this.token}`) return [403, fail(10000, "Authentication error")];
    const path = url.pathname.replace(/^\/client\/v4/, "");
    if (path === "/graphql" && req.method === "POST") return [200, this.graphql(body as { query: string; variables: Record<string, string> })];
    const m = /^\/accounts\/([^/]+)\/d1\/database(?:\/([^/]+))?(\/query)?$/.exec(path);
    if (!m) return [404, fail(7003, "No route for the URI")];
    if (m[1] !== this.accountId) return [403, fail(9109, "Unauthorized to access requested resource")];
    if (this.nullBody) return [200, null];
    if (this.envelopeFailure) return [200, fail(7500, "Internal error while processing the request")];
    if (!m[2] && req.method === "GET") return [200, this.list(url.searchParams)];
    const db = this.databases.find((d) => d.uuid === m[2]);
    if (!db) return [404, fail(7404, `The database ${m[2]} could not be found`)];
    if (m[3] && req.method === "POST") return [200, this.query(db, (body as { sql: string }).sql)];
    if (req.method === "GET") {
      const { uuid, name, file_size, num_tables, version = "production", created_at = "2026-01-01T00:00:00.000Z" } = db;
      return [200, ok({ uuid, name, file_size, num_tables, version, created_at })];
    }
    return [405, fail(10405, "Method not allowed")];
  }

  private list(q: URLSearchParams) {
    const page = Number(q.get("page") ?? 1);
    const perPage = Math.min(10000, Math.max(10, Number(q.get("per_page") ?? 1000)));
    const name = q.get("name");
    const matching = name ? this.databases.filter((d) => d.name.includes(name)) : this.databases;
    const items = matching.slice((page - 1) * perPage, page * perPage).map(({ uuid, name, version = "production", created_at = "2026-01-01T00:00:00.000Z" }) => ({ uuid, name, version, created_at }));
    return ok(items, { page, per_page: perPage, count: items.length, total_count: matching.length });
  }

  private query(db: StandInDatabase, sql: string) {
    const tables = db.tables ?? {};
    return ok(sql.split(";").map((s) => s.trim()).filter(Boolean).map((stmt) => {
      if (/sqlite_master/.test(stmt)) return { success: true, results: Object.keys(tables).map((name) => ({ name })), meta: { rows_read: Object.keys(tables).length } };
      const t = /FROM\s+"([^"]+)"/i.exec(stmt)?.[1] ?? "";
      return { success: true, results: [{ n: tables[t] ?? 0 }], meta: { rows_read: tables[t] ?? 0 } };
    }));
  }

  /** Answers the datasets the CLI asks for, per alias, with the documented field shapes. */
  private graphql({ query, variables }: { query: string; variables: Record<string, string> }) {
    if (variables.accountTag !== this.accountId) return { data: null, errors: [{ message: "not authorized for that account", path: ["viewer", "accounts"] }] };
    const db = this.databases.find((d) => d.uuid === variables.databaseId);
    const usage = db?.usage ?? { readQueries: 0, writeQueries: 0, rowsRead: 0, rowsWritten: 0 };
    const account: Record<string, unknown> = {};
    for (const [, alias, dataset] of query.matchAll(/(\w+)\s*:\s*(d1AnalyticsAdaptiveGroups|d1StorageAdaptiveGroups|workersInvocationsAdaptive)\s*\(/g)) {
      if (dataset === "workersInvocationsAdaptive") {
        const w = this.workers[variables.scriptName ?? ""];
        account[alias!] = w ? [{ sum: alias === "last1h" ? { requests: w.requests1h, errors: w.errors1h, cpuTimeUs: 0 } : { requests: w.requests30d, errors: w.errors30d, cpuTimeUs: w.cpuTimeUs30d } }] : [];
      } else if (dataset === "d1StorageAdaptiveGroups") {
        account[alias!] = (db?.storage ?? [])
          .filter((s) => s.date >= variables.sinceDate! && s.date <= variables.untilDate!)
          .map((s) => ({ max: { databaseSizeBytes: s.bytes }, dimensions: { date: s.date } }));
      } else if (alias === "peakMinute") {
        account[alias] = db?.peakMinuteWrites === undefined ? [] : [{ sum: { writeQueries: db.peakMinuteWrites }, dimensions: { datetimeMinute: variables.until } }];
      } else {
        const scale = alias === "last24h" ? 1 / 30 : alias === "last7d" ? 7 / 30 : 1;
        account[alias!] = [{ sum: Object.fromEntries(Object.entries(usage).map(([k, v]) => [k, Math.round(v * scale)])) }];
      }
    }
    return { data: { viewer: { accounts: [account] } }, errors: null };
  }
}
