import { GRAFANA_IDS, UNIT } from "../catalog/index.ts";
import { ensureFolder, grafanaClient, NOT_FOUND, type GrafanaRequest, type GrafanaTarget } from "../grafana/http.ts";
import { contactPoints, grafanaRule, notificationPolicy } from "./grafana-provisioning.ts";
import { minutes } from "./promtool/duration.ts";
import { RULE_GROUPS } from "./rules/index.ts";

/** Rules stay editable in the Grafana UI: without this header, API-provisioned objects are locked. */
const EDITABLE = { "X-Disable-Provenance": "true" } as const;

export interface AlertPushOptions {
  /** Grafana UID of the Prometheus data source the rules query (Grafana Cloud: grafanacloud-<stack>-prom). */
  readonly datasourceUid?: string;
  readonly folderUid?: string;
  readonly folderTitle?: string;
  /** Filled into the contact points; without both, contact points and the notification policy are not pushed. */
  readonly pagerKey?: string;
  readonly chatWebhook?: string;
}

export interface AlertPushResult {
  readonly created: string[];
  readonly updated: string[];
  readonly groups: string[];
  readonly contactPoints: string[];
  readonly policy: boolean;
}

async function upsertRule(request: GrafanaRequest, rule: { uid?: string }): Promise<"created" | "updated"> {
  const path = `/api/v1/provisioning/alert-rules/${encodeURIComponent(rule.uid ?? "")}`;
  const existing = await request("GET", path, { allow: [NOT_FOUND] });
  if (existing.status === NOT_FOUND) {
    await request("POST", "/api/v1/provisioning/alert-rules", { body: rule, headers: EDITABLE });
    return "created";
  }
  await request("PUT", path, { body: rule, headers: EDITABLE });
  return "updated";
}

/**
 * Alert rules through the alerting provisioning API (create or update by uid, then each group's interval),
 * then the pager and chat contact points and the notification policy when their secrets are given.
 */
export async function pushAlerts(target: GrafanaTarget, options: AlertPushOptions = {}): Promise<AlertPushResult> {
  const request = grafanaClient(target);
  const folderUid = options.folderUid ?? GRAFANA_IDS.folderUid;
  await ensureFolder(request, folderUid, options.folderTitle ?? GRAFANA_IDS.folderTitle);
  const result = { created: [] as string[], updated: [] as string[], groups: [] as string[], contactPoints: [] as string[], policy: false };
  for (const group of RULE_GROUPS) {
    const rules = group.alerts.map((a) => ({ ...JSON.parse(JSON.stringify(grafanaRule(a, group, options.datasourceUid))), folderUID: folderUid }));
    for (const rule of rules) (await upsertRule(request, rule)) === "created" ? result.created.push(rule.title) : result.updated.push(rule.title);
    await request("PUT", `/api/v1/provisioning/folder/${encodeURIComponent(folderUid)}/rule-groups/${encodeURIComponent(group.name)}`, {
      body: { title: group.name, folderUid, interval: minutes(group.interval) * UNIT.secondsPerMinute, rules },
      headers: EDITABLE,
    });
    result.groups.push(group.name);
  }
  if (options.pagerKey && options.chatWebhook) {
    const secrets: Record<string, string> = {
      "${MOLTSECRET_PAGERDUTY_INTEGRATION_KEY}": options.pagerKey,
      "${MOLTSECRET_SLACK_WEBHOOK_URL}": options.chatWebhook,
    };
    const existing = await request<Array<{ uid: string }>>("GET", "/api/v1/provisioning/contact-points");
    const known = new Set((existing.json ?? []).map((c) => c.uid));
    for (const point of contactPoints()) {
      const settings = Object.fromEntries(Object.entries(point.settings as Record<string, string>).map(([k, v]) => [k, secrets[v] ?? v]));
      const body = { ...point, settings };
      if (known.has(point.uid ?? "")) await request("PUT", `/api/v1/provisioning/contact-points/${encodeURIComponent(point.uid ?? "")}`, { body, headers: EDITABLE });
      else await request("POST", "/api/v1/provisioning/contact-points", { body, headers: EDITABLE });
      result.contactPoints.push(point.name ?? "");
    }
    await request("PUT", "/api/v1/provisioning/policies", { body: notificationPolicy(), headers: EDITABLE });
    result.policy = true;
  }
  return result;
}
