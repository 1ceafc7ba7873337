// Better Stack uptime monitor on /healthz (shapes: cli/uptime/shapes/betterstack-monitors.json).
import { UPTIME } from "../../catalog/index.ts";
import { UserError } from "../errors.ts";
import { HEALTHY_BODY } from "./cloudflare-health-check.ts";
import { callJson } from "./http.ts";
import { differences, settingsOf, type ProbePlan } from "./plan.ts";
import type { BetterStackTarget } from "./targets.ts";

const PROVIDER = "Better Stack";
const MAX_PAGES = 50;

export interface Monitor {
  id: string;
  attributes: Record<string, unknown> & { url?: string; status?: string };
}

/** What the monitor should be: a keyword check (the healthy body), from the catalog's intervals. */
export function wantedMonitor(health: URL, target: BetterStackTarget): Record<string, unknown> {
  const b = UPTIME.betterStack;
  return {
    monitor_type: "keyword",
    url: health.href,
    pronounceable_name: UPTIME.checkName,
    required_keyword: HEALTHY_BODY,
    http_method: "get",
    check_frequency: b.checkFrequency.value,
    request_timeout: b.requestTimeout.value,
    confirmation_period: b.confirmationPeriod.value,
    recovery_period: b.recoveryPeriod.value,
    follow_redirects: false,
    verify_ssl: true,
    email: true,
    push: true,
    ...(target.policyId ? { policy_id: target.policyId } : {}),
  };
}

async function call<T>(t: BetterStackTarget, url: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const { status, body } = await callJson(PROVIDER, url, t.token, init);
  if (status >= 400) {
    const errors = (body as { errors?: unknown } | null)?.errors;
    const why = errors && typeof errors === "object" ? Object.entries(errors).map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(", ") : String(v)}`).join("; ") : String(errors ?? "no error details");
    throw new UserError(`Better Stack API ${init.method ?? "GET"} ${new URL(url).pathname} failed (HTTP ${status}): ${why}`, { hint: "check the monitor settings the error names; a free team allows 10 monitors" });
  }
  return body as T;
}

/** The team's monitor of our health URL, if any (filtered by URL, paged through). */
export async function findMonitor(t: BetterStackTarget, health: URL): Promise<Monitor | undefined> {
  let next: string | null = `${t.baseUrl}/api/v2/monitors?url=${encodeURIComponent(health.href)}`;
  for (let page = 0; next && page < MAX_PAGES; page++) {
    const answer: { data?: Monitor[]; pagination?: { next?: string | null } } = await call(t, next);
    const found = (answer.data ?? []).find((m) => m.attributes.url === health.href);
    if (found) return found;
    next = answer.pagination?.next ?? null;
  }
  return undefined;
}

export async function planMonitor(t: BetterStackTarget, health: URL): Promise<{ plan: ProbePlan; wanted: Record<string, unknown> }> {
  const wanted = wantedMonitor(health, t);
  const current = await findMonitor(t, health);
  const base = { provider: "Better Stack monitor", name: UPTIME.checkName } as const;
  if (!current) return { wanted, plan: { ...base, action: "create", changes: settingsOf(wanted) } };
  const changes = differences(wanted, current.attributes);
  const status = current.attributes.status;
  return { wanted, plan: { ...base, action: changes.length ? "update" : "unchanged", changes, id: current.id, ...(status ? { status } : {}) } };
}

/** Creates (POST) or changes (PATCH, only the differing fields) the monitor as planned; returns its id. */
export async function applyMonitor(t: BetterStackTarget, plan: ProbePlan, wanted: Record<string, unknown>): Promise<string | undefined> {
  if (plan.action === "unchanged") return plan.id;
  if (plan.action === "create") return (await call<{ data?: Monitor }>(t, `${t.baseUrl}/api/v2/monitors`, { method: "POST", body: wanted })).data?.id;
  const changed = Object.fromEntries(plan.changes.map((c) => c.split(":")[0]!).map((k) => [k, wanted[k]]));
  return (await call<{ data?: Monitor }>(t, `${t.baseUrl}/api/v2/monitors/${plan.id}`, { method: "PATCH", body: changed })).data?.id;
}
