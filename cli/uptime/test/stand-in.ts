// Local stand-ins for Cloudflare's zone Health Checks API and Better Stack's Uptime monitors API, answering the shapes
// kept in cli/uptime/shapes/ (envelopes, pagination, failure bodies), with request fields checked against them.
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

const shape = (name: string) => JSON.parse(readFileSync(new URL(`../shapes/${name}`, import.meta.url), "utf8"));
const CF = shape("cloudflare-healthchecks.json");
const BS = shape("betterstack-monitors.json");
const CF_FIELDS = new Set(Object.keys(CF.request.fields));
const CF_HTTP_FIELDS = new Set(Object.keys(CF.request.fields.http_config));
const BS_FIELDS = new Set(Object.keys(BS.request.fields));

export interface Recorded {
  provider: "cloudflare" | "betterstack";
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString();
  return text ? JSON.parse(text) : undefined;
}

const send = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
};

const { status_values: _cfStatuses, ...CF_EXAMPLE } = CF.healthcheck;
const { status_values: _bsStatuses, ...BS_EXAMPLE } = BS.monitor.attributes;

export class UptimeStandIn {
  readonly requests: Recorded[] = [];
  /** Health checks by zone, as Cloudflare would return them. */
  readonly healthChecks = new Map<string, Record<string, unknown>[]>();
  readonly monitors: { id: string; type: string; attributes: Record<string, unknown> }[] = [];
  /** Page size of Cloudflare's list (the CLI asks for more; a real zone may hold many checks). */
  cloudflarePageSize = 50;
  private server: Server | undefined;
  private nextId = 1;

  constructor(private readonly cloudflareToken: string, private readonly betterStackToken: string, readonly zoneId: string) {}

  get cloudflareBase() {
    return `${this.origin}/cloudflare/client/v4`;
  }
  get betterStackBase() {
    return `${this.origin}/betterstack`;
  }
  private get origin() {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: Error) => send(res, 500, { error: err.message }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://stand-in");
    const body = await readJson(req);
    const provider = url.pathname.startsWith("/cloudflare/") ? "cloudflare" : "betterstack";
    this.requests.push({ provider, method: req.method ?? "GET", path: url.pathname + url.search, authorization: req.headers.authorization, body });
    if (provider === "cloudflare") return this.cloudflare(req, res, url, body);
    return this.betterStack(req, res, url, body);
  }

  private cloudflare(req: IncomingMessage, res: ServerResponse, url: URL, body: unknown) {
    if (req.headers.authorization !== `Bearer ${this.cloudflareToken}`) return send(res, 403, CF.failure);
    const m = /^\/cloudflare\/client\/v4\/zones\/([^/]+)\/healthchecks(?:\/([^/]+))?$/.exec(url.pathname);
    if (!m || m[1] !== this.zoneId) return send(res, 404, { ...CF.failure, errors: [{ code: 7003, message: "Could not route to /zones/..., perhaps your object identifier is invalid?" }] });
    const checks = this.healthChecks.get(this.zoneId) ?? [];
    this.healthChecks.set(this.zoneId, checks);
    const ok = (result: unknown, result_info?: unknown) => send(res, 200, { success: true, errors: [], messages: [], result, ...(result_info ? { result_info } : {}) });
    if (req.method === "GET" && !m[2]) {
      const page = Number(url.searchParams.get("page") ?? 1);
      const perPage = Math.min(Number(url.searchParams.get("per_page") ?? 25), this.cloudflarePageSize);
      return ok(checks.slice((page - 1) * perPage, page * perPage), { page, per_page: perPage, count: Math.min(perPage, Math.max(0, checks.length - (page - 1) * perPage)), total_count: checks.length });
    }
    const invalid = this.invalidHealthCheck(body);
    if (invalid) return send(res, 400, { ...CF.failure, errors: [{ code: 1002, message: invalid }] });
    const fields = body as Record<string, unknown>;
    if (req.method === "POST" && !m[2]) {
      const created = { ...CF_EXAMPLE, ...fields, id: (this.nextId++).toString(16).padStart(32, "0"), status: "unknown", failure_reason: "", created_on: new Date().toISOString(), modified_on: new Date().toISOString() };
      checks.push(created);
      return ok(created);
    }
    const i = checks.findIndex((c) => c.id === m[2]);
    if (req.method === "PUT" && i >= 0) {
      checks[i] = { ...CF_EXAMPLE, ...fields, id: checks[i]!.id, status: checks[i]!.status, created_on: checks[i]!.created_on, modified_on: new Date().toISOString() };
      return ok(checks[i]);
    }
    return send(res, 404, { ...CF.failure, errors: [{ code: 1003, message: "Health check not found" }] });
  }

  private invalidHealthCheck(body: unknown): string | undefined {
    if (!body || typeof body !== "object") return "body must be a JSON object";
    const b = body as Record<string, unknown>;
    for (const f of CF.request.required as string[]) if (b[f] === undefined) return `${f} is required`;
    const unknown = Object.keys(b).filter((k) => !CF_FIELDS.has(k));
    if (unknown.length) return `unknown field(s): ${unknown.join(", ")}`;
    if (!/^[A-Za-z0-9_-]+$/.test(String(b.name))) return "name: only alphanumeric characters, hyphens and underscores are allowed";
    const http = (b.http_config ?? {}) as Record<string, unknown>;
    const unknownHttp = Object.keys(http).filter((k) => !CF_HTTP_FIELDS.has(k));
    if (unknownHttp.length) return `unknown http_config field(s): ${unknownHttp.join(", ")}`;
    return undefined;
  }

  private betterStack(req: IncomingMessage, res: ServerResponse, url: URL, body: unknown) {
    if (req.headers.authorization !== `Bearer ${this.betterStackToken}`) return send(res, 401, BS.unauthorized);
    const m = /^\/betterstack\/api\/v2\/monitors(?:\/([^/]+))?$/.exec(url.pathname);
    if (!m) return send(res, 404, { errors: "Not found" });
    const toJson = (mon: (typeof this.monitors)[number]) => ({ id: mon.id, type: mon.type, attributes: mon.attributes });
    if (req.method === "GET" && !m[1]) {
      const wantedUrl = url.searchParams.get("url");
      const data = this.monitors.filter((mon) => !wantedUrl || mon.attributes.url === wantedUrl).map(toJson);
      const self = `${this.betterStackBase}/api/v2/monitors?page=1`;
      return send(res, 200, { data, pagination: { first: self, last: self, prev: null, next: null } });
    }
    const b = (body ?? {}) as Record<string, unknown>;
    const unknown = Object.keys(b).filter((k) => !BS_FIELDS.has(k));
    if (unknown.length) return send(res, 422, { errors: Object.fromEntries(unknown.map((k) => [k, ["is not a known attribute"]])) });
    if (req.method === "POST" && !m[1]) {
      const missing = (BS.request.required_on_create as string[]).filter((f) => b[f] === undefined);
      if (missing.length) return send(res, 422, { errors: Object.fromEntries(missing.map((k) => [k, ["can't be blank"]])) });
      const mon = { id: String(this.nextId++), type: "monitor", attributes: { ...BS_EXAMPLE, ...b, status: "pending", created_at: new Date().toISOString(), updated_at: new Date().toISOString() } };
      this.monitors.push(mon);
      return send(res, 201, { data: toJson(mon) });
    }
    const mon = this.monitors.find((x) => x.id === m[1]);
    if (req.method === "PATCH" && mon) {
      Object.assign(mon.attributes, b, { updated_at: new Date().toISOString() });
      return send(res, 200, { data: toJson(mon) });
    }
    return send(res, 404, { errors: "Resource not found" });
  }
}
