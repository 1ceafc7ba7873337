/** A minimal Grafana HTTP API client: bearer token, JSON in and out, errors that say what failed (never the token). */

export interface GrafanaTarget {
  /** Base URL of the Grafana instance, e.g. https://<stack>.grafana.net */
  readonly url: string;
  /** Service account token (Administration > Users and access > Service accounts). */
  readonly token: string;
}

/** Enough of Grafana's error body to explain the failure. */
const MAX_ERROR_BODY = 1024;

export class GrafanaError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`Grafana ${method} ${path} answered ${status}: ${body.slice(0, MAX_ERROR_BODY)}`);
    this.name = "GrafanaError";
  }
}

export interface GrafanaResponse<T = unknown> {
  readonly status: number;
  readonly json: T;
}

export type GrafanaRequest = <T = unknown>(
  method: string,
  path: string,
  options?: { body?: unknown; headers?: Record<string, string>; allow?: readonly number[] },
) => Promise<GrafanaResponse<T>>;

/** Reads GRAFANA_URL and GRAFANA_TOKEN unless given; says which one is missing. */
export function grafanaTarget(given: Partial<GrafanaTarget> = {}, env: NodeJS.ProcessEnv = process.env): GrafanaTarget {
  const url = given.url ?? env.GRAFANA_URL;
  const token = given.token ?? env.GRAFANA_TOKEN;
  if (!url) throw new Error("no Grafana URL: pass --grafana-url or set GRAFANA_URL (e.g. https://<stack>.grafana.net)");
  if (!token) throw new Error("no Grafana token: pass --token or set GRAFANA_TOKEN (a service account token with the Editor role)");
  return { url: url.replace(/\/+$/, ""), token };
}

/** Non-2xx answers throw GrafanaError unless their status is in `allow` (e.g. 404 to test for existence). */
export function grafanaClient(target: GrafanaTarget): GrafanaRequest {
  return async (method, path, options = {}) => {
    const res = await fetch(`${target.url}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${target.token}`,
        Accept: "application/json",
        ...(options.body === undefined ? {} : { "Content-Type": "application/json" }),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok && !(options.allow ?? []).includes(res.status)) throw new GrafanaError(method, path, res.status, text);
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: res.status, json: json as never };
  };
}

export const NOT_FOUND = 404;

/** Creates the folder unless it exists (GET /api/folders/:uid, then POST /api/folders). */
export async function ensureFolder(request: GrafanaRequest, uid: string, title: string): Promise<"created" | "exists"> {
  const found = await request("GET", `/api/folders/${encodeURIComponent(uid)}`, { allow: [NOT_FOUND] });
  if (found.status !== NOT_FOUND) return "exists";
  await request("POST", "/api/folders", { body: { uid, title } });
  return "created";
}
