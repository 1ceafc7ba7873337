import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A stand-in for Grafana's HTTP API on 127.0.0.1: the endpoints `moltsecret dashboards|alerts push` call,
 * answering the documented statuses and checking method, path, bearer token and body shape like Grafana would.
 */

export interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: unknown;
}

type Json = Record<string, unknown>;

export interface FakeGrafana {
  readonly url: string;
  readonly requests: Recorded[];
  readonly folders: Map<string, Json>;
  readonly dashboards: Map<string, { dashboard: Json; folderUid: string; version: number }>;
  readonly rules: Map<string, Json>;
  readonly groups: Map<string, Json>;
  readonly contactPoints: Map<string, Json>;
  policy: Json | null;
  close(): Promise<void>;
}

const isString = (v: unknown): v is string => typeof v === "string" && v.length > 0;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Why a provisioned alert rule body would be rejected (Grafana answers 400), or null. */
function ruleProblem(rule: unknown): string | null {
  if (!isObject(rule)) return "rule is not an object";
  for (const key of ["uid", "title", "ruleGroup", "folderUID", "condition", "for", "noDataState", "execErrState"]) if (!isString(rule[key])) return `missing ${key}`;
  if (!Array.isArray(rule.data) || rule.data.length === 0) return "missing data";
  for (const q of rule.data as unknown[]) {
    if (!isObject(q) || !isString(q.refId) || !isString(q.datasourceUid) || !isObject(q.model)) return "bad data query";
  }
  if (!(rule.data as Json[]).some((q) => q.refId === rule.condition)) return "condition names no query";
  if (!isObject(rule.labels) || !isString((rule.labels as Json).severity)) return "missing severity label";
  if (!isObject(rule.annotations) || !isString((rule.annotations as Json).runbook_url)) return "missing runbook_url";
  return null;
}

export async function startFakeGrafana(token: string): Promise<FakeGrafana> {
  const state: Omit<FakeGrafana, "url" | "close"> = {
    requests: [], folders: new Map(), dashboards: new Map(), rules: new Map(), groups: new Map(), contactPoints: new Map(), policy: null,
  };
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    let body: unknown = undefined;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        return send(res, 400, { message: "bad request data" });
      }
    }
    const path = req.url ?? "";
    const method = req.method ?? "";
    state.requests.push({ method, path, headers: req.headers, body });
    if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, { message: "invalid API key" });
    if (body !== undefined && !String(req.headers["content-type"]).startsWith("application/json")) return send(res, 415, { message: "expected JSON" });
    const b = (body ?? {}) as Json;
    let m: RegExpMatchArray | null;

    if (method === "GET" && (m = path.match(/^\/api\/folders\/([^/]+)$/))) {
      const folder = state.folders.get(decodeURIComponent(m[1] ?? ""));
      return folder ? send(res, 200, folder) : send(res, 404, { message: "folder not found" });
    }
    if (method === "POST" && path === "/api/folders") {
      if (!isString(b.uid) || !isString(b.title)) return send(res, 400, { message: "uid and title required" });
      if (state.folders.has(b.uid)) return send(res, 409, { message: "a folder with the same uid already exists" });
      const folder = { id: state.folders.size + 1, uid: b.uid, title: b.title };
      state.folders.set(b.uid, folder);
      return send(res, 200, folder);
    }
    if (method === "POST" && path === "/api/dashboards/db") {
      const d = b.dashboard;
      if (!isObject(d) || !isString(d.uid) || !isString(d.title) || !Array.isArray(d.panels)) return send(res, 400, { message: "bad dashboard" });
      if (!isString(b.folderUid) || !state.folders.has(b.folderUid)) return send(res, 400, { message: "folder not found" });
      const previous = state.dashboards.get(d.uid);
      if (previous && b.overwrite !== true) return send(res, 412, { status: "name-exists", message: "A dashboard with the same uid already exists" });
      const version = (previous?.version ?? 0) + 1;
      state.dashboards.set(d.uid, { dashboard: d, folderUid: b.folderUid, version });
      return send(res, 200, { id: 1, uid: d.uid, url: `/d/${d.uid}/${String(d.title).toLowerCase().replace(/\W+/g, "-")}`, status: "success", version, slug: "" });
    }
    if ((m = path.match(/^\/api\/v1\/provisioning\/alert-rules(?:\/([^/]+))?$/))) {
      const uid = m[1] ? decodeURIComponent(m[1]) : undefined;
      if (method === "GET" && uid) return state.rules.has(uid) ? send(res, 200, state.rules.get(uid)) : send(res, 404, { message: "not found" });
      const problem = ruleProblem(b);
      if (problem) return send(res, 400, { message: problem });
      if (method === "POST" && !uid) {
        if (state.rules.has(String(b.uid))) return send(res, 409, { message: "rule uid exists" });
        state.rules.set(String(b.uid), b);
        return send(res, 201, b);
      }
      if (method === "PUT" && uid) {
        if (!state.rules.has(uid)) return send(res, 404, { message: "not found" });
        state.rules.set(uid, b);
        return send(res, 200, b);
      }
    }
    if (method === "PUT" && (m = path.match(/^\/api\/v1\/provisioning\/folder\/([^/]+)\/rule-groups\/([^/]+)$/))) {
      if (typeof b.interval !== "number" || !Array.isArray(b.rules) || b.rules.some((r) => ruleProblem(r))) return send(res, 400, { message: "bad rule group" });
      state.groups.set(`${m[1]}/${m[2]}`, b);
      return send(res, 200, b);
    }
    if (path === "/api/v1/provisioning/contact-points" && method === "GET") return send(res, 200, [...state.contactPoints.values()]);
    if ((m = path.match(/^\/api\/v1\/provisioning\/contact-points(?:\/([^/]+))?$/))) {
      if (!isString(b.name) || !isString(b.type) || !isObject(b.settings)) return send(res, 400, { message: "bad contact point" });
      if (method === "POST") {
        state.contactPoints.set(String(b.uid), b);
        return send(res, 202, b);
      }
      if (method === "PUT" && m[1]) {
        if (!state.contactPoints.has(decodeURIComponent(m[1]))) return send(res, 404, { message: "not found" });
        state.contactPoints.set(decodeURIComponent(m[1]), b);
        return send(res, 202, b);
      }
    }
    if (method === "PUT" && path === "/api/v1/provisioning/policies") {
      const names = new Set([...state.contactPoints.values()].map((c) => c.name));
      const receivers = [b.receiver, ...((b.routes as Json[] | undefined) ?? []).map((r) => r.receiver)];
      if (receivers.some((r) => !names.has(r))) return send(res, 400, { message: "receiver does not exist" });
      state.policy = b;
      return send(res, 202, { message: "policies updated" });
    }
    return send(res, 404, { message: `no route ${method} ${path}` });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
