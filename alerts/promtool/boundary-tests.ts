import { stringify } from "yaml";
import { RULE_WINDOWS, SUCCESS_RATE_TARGET } from "../../catalog/index.ts";
import type { AlertDef, Labels, RuleGroup } from "../model.ts";
import { GENERATED_HEADER, promAnnotations, promLabels } from "../prometheus-rules.ts";
import { RULE_SCOPE } from "../../promql/index.ts";
import { asDuration, minutes } from "./duration.ts";
import { renderTemplate } from "./go-template.ts";
import { expectedValue, inputSeries, type Mode } from "./scenarios.ts";

/**
 * promtool unit tests for every alert at its boundary, generated from the same catalog as the rules:
 * just below stays silent; just above is still pending one minute before its `for` and fires one minute after.
 */

interface AlertTest {
  readonly eval_time: string;
  readonly alertname: string;
  readonly exp_alerts: readonly { exp_labels: Labels; exp_annotations: Labels }[];
}

interface TestGroup {
  readonly interval: string;
  readonly input_series: readonly { series: string; values: string }[];
  readonly alert_rule_test: readonly AlertTest[];
}

/** Labels an alert carries: its rule labels plus the grouping labels of the expression (none for absent()). */
function alertLabels(alert: AlertDef): Labels {
  const s = alert.scenario;
  const own = s.kind === "absent" ? {} : s.kind === "ratio" ? s.bad : s.labels;
  const kept = Object.fromEntries(RULE_SCOPE.by.flatMap((l) => (own[l] === undefined ? [] : [[l, own[l]]])));
  return { ...promLabels(alert), ...kept };
}

function firing(alert: AlertDef, at: number): AlertTest["exp_alerts"][number] {
  const labels = alertLabels(alert);
  const value = expectedValue(alert.scenario, at);
  const annotations = Object.fromEntries(Object.entries(promAnnotations(alert)).map(([k, v]) => [k, renderTemplate(v, value, labels)]));
  return { exp_labels: labels, exp_annotations: annotations };
}

const group = (alert: AlertDef, mode: Mode, length: number, tests: AlertTest[]): TestGroup => ({
  interval: RULE_WINDOWS.evaluationInterval,
  input_series: inputSeries(alert.scenario, mode, length),
  alert_rule_test: tests,
});

function boundaryGroups(alert: AlertDef): TestGroup[] {
  const hold = minutes(alert.for);
  const length = hold + 1 + 1;
  const silent = (at: number): AlertTest => ({ eval_time: asDuration(at), alertname: alert.name, exp_alerts: [] });
  const fires = (at: number): AlertTest => ({ eval_time: asDuration(at), alertname: alert.name, exp_alerts: [firing(alert, at)] });
  return [
    group(alert, "below", length, [silent(hold + 1)]),
    group(alert, "above", length, [silent(hold - 1), fires(hold + 1)]),
  ];
}

/** SLO specifics: exactly on target nothing burns; a full outage pages within the fast window's `for`. */
function sloGroups(burnAlerts: readonly AlertDef[]): TestGroup[] {
  if (!burnAlerts.length) return [];
  const longest = Math.max(...burnAlerts.map((a) => minutes(a.for))) + 1 + 1;
  const [first] = burnAlerts;
  const exact: TestGroup = {
    interval: RULE_WINDOWS.evaluationInterval,
    input_series: inputSeries({ ...(first as AlertDef).scenario, threshold: 1 - SUCCESS_RATE_TARGET.value } as AlertDef["scenario"], "exact", longest),
    alert_rule_test: burnAlerts.map((a) => ({ eval_time: asDuration(longest), alertname: a.name, exp_alerts: [] })),
  };
  const fastest = burnAlerts.reduce((a, b) => (minutes(a.for) <= minutes(b.for) ? a : b));
  const outage = { ...fastest, scenario: { ...fastest.scenario, threshold: 1 } as AlertDef["scenario"] };
  const at = minutes(fastest.for) + 1;
  const fast: TestGroup = {
    interval: RULE_WINDOWS.evaluationInterval,
    input_series: inputSeries(outage.scenario, "above", at + 1),
    alert_rule_test: [{ eval_time: asDuration(at), alertname: fastest.name, exp_alerts: [firing(outage, at)] }],
  };
  return [exact, fast];
}

export const isBurnAlert = (a: AlertDef): boolean => a.family === "slo-burn";

/** One promtool test file per rule group, reading the Prometheus rule file at `ruleFile` (relative to the test file). */
export function promtoolTestFile(group: RuleGroup, ruleFile: string): string {
  const groups = [...group.alerts.flatMap(boundaryGroups), ...sloGroups(group.alerts.filter(isBurnAlert))];
  const doc = { rule_files: [ruleFile], evaluation_interval: RULE_WINDOWS.evaluationInterval, tests: groups };
  return GENERATED_HEADER + stringify(doc, { lineWidth: 0 });
}
