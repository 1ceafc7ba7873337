import {
  ContactPointBuilder, NotificationPolicyBuilder, QueryBuilder, RuleBuilder, RuleGroupBuilder, type ContactPoint, type NotificationPolicy, type Rule,
} from "@grafana/grafana-foundation-sdk/alerting";
import { TypeThresholdBuilder } from "@grafana/grafana-foundation-sdk/expr";
import { DataqueryBuilder } from "@grafana/grafana-foundation-sdk/prometheus";
import { stringify } from "yaml";
import { GRAFANA_IDS, RULE_WINDOWS, UNIT } from "../catalog/index.ts";
import type { AlertDef, RuleGroup, Severity } from "./model.ts";
import { GENERATED_HEADER, promLabels } from "./prometheus-rules.ts";
import { minutes } from "./promtool/duration.ts";
import { runbookUrl } from "./rules/scope.ts";

/**
 * The same alerts as Grafana-managed rules. Grafana evaluates raw PromQL (it cannot read Prometheus
 * recording rules it does not have), then a threshold expression with the catalog value.
 */

const SECONDS_PER_MINUTE = UNIT.secondsPerMinute;
const VALUE = "A";
const CONDITION = "C";
const EXPR_DATASOURCE = { type: "__expr__", uid: "__expr__" } as const;

/** How far back query A must look: the longest range selector in it (a 3d burn window needs 3d of data). */
function lookbackSeconds(query: string): number {
  const ranges = [...query.matchAll(/\[(\d+[mhd])\]/g)].map((m) => minutes(m[1] ?? RULE_WINDOWS.rate));
  return Math.max(minutes(RULE_WINDOWS.rate), ...ranges) * SECONDS_PER_MINUTE;
}

export const ruleUid = (alert: AlertDef): string =>
  alert.name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase().replace(/^moltsecret-/, "ms-");

export function grafanaRule(alert: AlertDef, group: RuleGroup, datasourceUid: string = GRAFANA_IDS.alertDatasourceUid): Rule {
  const value = new QueryBuilder(VALUE)
    .datasourceUid(datasourceUid)
    .relativeTimeRange({ from: lookbackSeconds(alert.grafana.query), to: 0 })
    .model(new DataqueryBuilder().expr(alert.grafana.query).instant().refId(VALUE));
  const threshold = new QueryBuilder(CONDITION)
    .datasourceUid(EXPR_DATASOURCE.uid)
    .model(
      new TypeThresholdBuilder()
        .datasource(EXPR_DATASOURCE)
        .expression(VALUE)
        .conditions([{ evaluator: { type: "gt", params: [alert.grafana.threshold] } }])
        .refId(CONDITION),
    );
  const ref = `$values.${VALUE}.Value`;
  return new RuleBuilder(alert.name)
    .uid(ruleUid(alert))
    .queries([value, threshold])
    .condition(CONDITION)
    .forDuration(alert.for)
    .ruleGroup(group.name)
    .folderUID(GRAFANA_IDS.folderUid)
    // Missing series are the absent-data alerts' job; an evaluation error is worth a look.
    .noDataState("OK")
    .execErrState("Error")
    .labels(promLabels(alert))
    .annotations({ summary: alert.summary(ref), description: alert.description(ref), runbook_url: runbookUrl(alert.family) })
    .build();
}

/** JSON round trip: builder output may hold undefined fields and class instances; YAML wants plain data. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The rule groups in Grafana's alerting file-provisioning format (provisioning/alerting/*.yaml). */
export function grafanaAlertRulesFile(groups: readonly RuleGroup[], orgId = 1): string {
  const fileGroups = groups.map((group) => {
    const built = plain(new RuleGroupBuilder(group.name).folderUid(GRAFANA_IDS.folderUid).interval(minutes(group.interval) * SECONDS_PER_MINUTE).build());
    return {
      orgId,
      name: built.title,
      folder: GRAFANA_IDS.folderTitle,
      interval: group.interval,
      rules: group.alerts.map((a) => {
        const r = plain(grafanaRule(a, group));
        return {
          uid: r.uid, title: r.title, condition: r.condition, data: r.data, noDataState: r.noDataState, execErrState: r.execErrState,
          for: r.for, annotations: r.annotations, labels: r.labels, isPaused: false,
        };
      }),
    };
  });
  return GENERATED_HEADER + stringify({ apiVersion: 1, groups: fileGroups }, { lineWidth: 0 });
}

const PAGER = ["critical", "page"] as const satisfies readonly Severity[];
const CHAT = ["warning", "ticket"] as const satisfies readonly Severity[];

/** Pager and chat contact points; the operator fills the placeholders (Grafana expands $VARS in provisioning files). */
export function contactPoints(): ContactPoint[] {
  return [
    new ContactPointBuilder().uid(GRAFANA_IDS.pagerContactPoint).name(GRAFANA_IDS.pagerContactPoint).type("pagerduty")
      .settings({ integrationKey: "${MOLTSECRET_PAGERDUTY_INTEGRATION_KEY}", severity: "critical" }).build(),
    new ContactPointBuilder().uid(GRAFANA_IDS.chatContactPoint).name(GRAFANA_IDS.chatContactPoint).type("slack")
      .settings({ url: "${MOLTSECRET_SLACK_WEBHOOK_URL}", title: "{{ .CommonAnnotations.summary }}", text: "{{ .CommonAnnotations.description }}\n{{ .CommonAnnotations.runbook_url }}" }).build(),
  ].map(plain);
}

/** critical|page -> pager, warning|ticket -> chat; the default receiver is chat so nothing is dropped. */
export function notificationPolicy(): NotificationPolicy {
  const route = (receiver: string, severities: readonly string[]) =>
    new NotificationPolicyBuilder().receiver(receiver).objectMatchers([["severity", "=~", severities.join("|")]]);
  return plain(
    new NotificationPolicyBuilder()
      .receiver(GRAFANA_IDS.chatContactPoint)
      .groupBy(["grafana_folder", "alertname"])
      .routes([route(GRAFANA_IDS.pagerContactPoint, PAGER), route(GRAFANA_IDS.chatContactPoint, CHAT)])
      .build(),
  );
}

export function grafanaContactPointsFile(orgId = 1): string {
  const points = contactPoints().map((c) => ({ orgId, name: c.name, receivers: [{ uid: c.uid, type: c.type, settings: c.settings, disableResolveMessage: false }] }));
  return GENERATED_HEADER + stringify({ apiVersion: 1, contactPoints: points }, { lineWidth: 0 });
}

export function grafanaPoliciesFile(orgId = 1): string {
  const p = notificationPolicy();
  const policy = {
    orgId, receiver: p.receiver, group_by: p.group_by,
    routes: (p.routes ?? []).map((r) => ({ receiver: r.receiver, object_matchers: r.object_matchers })),
  };
  return GENERATED_HEADER + stringify({ apiVersion: 1, policies: [policy] }, { lineWidth: 0 });
}
