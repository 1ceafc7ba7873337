// Cloudflare zone Health Check on /healthz (shapes: cli/uptime/shapes/cloudflare-healthchecks.json).
import { UPTIME } from "../../catalog/index.ts";
import { UserError } from "../errors.ts";
import { callJson } from "./http.ts";
import { differences, settingsOf, type ProbePlan } from "./plan.ts";
import type { CloudflareTarget } from "./targets.ts";

const PROVIDER = "Cloudflare";
const PER_PAGE = 50;
/** The body a /healthz answers with when D1 is up (worker/routes/health.ts); a 503's error body does not contain it. */
export const HEALTHY_BODY = '"status":"ok"';

interface Envelope<T> {
  success?: boolean;
  errors?: { code: number; message: string }[];
  result?: T;
  result_info?: { page?: number; per_page?: number; total_count?: number };
}

export interface HealthCheck extends Record<string, unknown> {
  id: string;
  name: string;
  status?: string;
  failure_reason?: string;
}

/** What the health check should be, from the catalog's intervals and the Worker's health URL. */
export function wantedHealthCheck(health: URL): Record<string, unknown> {
  const c = UPTIME.cloudflare;
  return {
    name: UPTIME.checkName,
    description: `MoltSecret API ${UPTIME.healthPath} (moltsecret uptime sync)`,
    address: health.hostname,
    type: "HTTPS",
    suspended: false,
    interval: c.interval.value,
    timeout: c.timeout.value,
    retries: c.retries.value,
    consecutive_fails: c.consecutiveFails.value,
    consecutive_successes: c.consecutiveSuccesses.value,
    http_config: {
      method: "GET",
      path: health.pathname,
      port: 443,
      expected_codes: ["200"],
      expected_body: HEALTHY_BODY,
      follow_redirects: false,
      allow_insecure: false,
    },
  };
}

async function call<T>(t: CloudflareTarget, path: string, init: { method?: string; body?: unknown } = {}): Promise<Envelope<T>> {
  const { status, body } = await callJson(PROVIDER, `${t.baseUrl}${path}`, t.token, init);
  const env = (body ?? {}) as Envelope<T>;
  if (status >= 400 || env.success !== true) {
    const why = (env.errors ?? []).map((e) => `${e.message} (code ${e.code})`).join("; ") || "no error details";
    throw new UserError(`Cloudflare API ${init.method ?? "GET"} ${path.replace(t.zoneId, "{zone}")} failed (HTTP ${status}): ${why}`, {
      hint: status === 404 ? "check CLOUDFLARE_ZONE_ID: the zone must exist and the token must see it" : "standalone Health Checks need a Pro or higher zone plan",
    });
  }
  return env;
}

/** The zone's health check named like ours, if any (paged through). */
export async function findHealthCheck(t: CloudflareTarget): Promise<HealthCheck | undefined> {
  for (let page = 1; ; page++) {
    const env = await call<HealthCheck[]>(t, `/zones/${t.zoneId}/healthchecks?page=${page}&per_page=${PER_PAGE}`);
    const list = env.result ?? [];
    const found = list.find((h) => h.name === UPTIME.checkName);
    if (found) return found;
    // The page size Cloudflare applied, which may be smaller than the one asked for.
    const { total_count: total = 0, per_page: perPage = PER_PAGE } = env.result_info ?? {};
    if (list.length === 0 || page * perPage >= total) return undefined;
  }
}

export async function planHealthCheck(t: CloudflareTarget, health: URL): Promise<{ plan: ProbePlan; wanted: Record<string, unknown> }> {
  const wanted = wantedHealthCheck(health);
  const current = await findHealthCheck(t);
  const base = { provider: "Cloudflare Health Check", name: UPTIME.checkName } as const;
  if (!current) return { wanted, plan: { ...base, action: "create", changes: settingsOf(wanted) } };
  const changes = differences(wanted, current);
  return { wanted, plan: { ...base, action: changes.length ? "update" : "unchanged", changes, id: current.id, ...(current.status ? { status: current.status } : {}) } };
}

/** Creates (POST) or replaces (PUT) the health check as planned; returns its id. */
export async function applyHealthCheck(t: CloudflareTarget, plan: ProbePlan, wanted: Record<string, unknown>): Promise<string | undefined> {
  if (plan.action === "unchanged") return plan.id;
  const env =
    plan.action === "create"
      ? await call<HealthCheck>(t, `/zones/${t.zoneId}/healthchecks`, { method: "POST", body: wanted })
      : await call<HealthCheck>(t, `/zones/${t.zoneId}/healthchecks/${plan.id}`, { method: "PUT", body: wanted });
  return env.result?.id;
}
