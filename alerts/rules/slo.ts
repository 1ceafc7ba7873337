import { ATTR, BURN_RATE_WINDOWS, DAYS_PER_MONTH, METRICS, RULE_WINDOWS, SUCCESS_RATE_TARGET, promLabel, promName } from "../../catalog/index.ts";
import { errorRatio, num, RULE_SCOPE, windowScope } from "../../promql/index.ts";
import type { AlertDef, RecordingRule, RuleGroup } from "../model.ts";
import { formatQuantity } from "../../catalog/format.ts";
import { renderValue } from "../text.ts";
import { SCENARIO_ENV, recordName } from "./scope.ts";
import { ERROR_RATE_ALERTS } from "./thresholds.ts";

/**
 * The success SLO as multi-window multi-burn-rate alerts (Google SRE workbook, "Alerting on SLOs"): a burn rate of
 * `factor` spends the error budget `factor` times faster than the SLO allows; both the long and the short
 * window must burn, so an alert fires fast on a real incident and resets fast once it is over.
 */

export const ERROR_BUDGET = 1 - SUCCESS_RATE_TARGET.value;

const windows = [...new Set([RULE_SCOPE.window, ...BURN_RATE_WINDOWS.flatMap((w) => [w.short, w.long])])];

export const errorRatioRecord = (window: string): string => recordName("http_error_ratio", `rate${window}`);

const RECORDS: RecordingRule[] = windows.map((w) => ({ record: errorRatioRecord(w), expr: errorRatio(windowScope(w)) }));

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const status = promLabel(ATTR.status);

const ALERTS: AlertDef[] = BURN_RATE_WINDOWS.map((w) => {
  const limit = w.factor * ERROR_BUDGET;
  const above = (window: string) => `${errorRatioRecord(window)} > ${num(limit)}`;
  const raw = (window: string) => `(${errorRatio(windowScope(window))}) > ${num(limit)}`;
  const value = (v: string) => renderValue("percent", v);
  const budget = formatQuantity({ value: ERROR_BUDGET, unit: "ratio", reason: "" });
  return {
    name: `MoltsecretErrorBudgetBurn${capitalize(w.severity)}${w.long}`,
    family: "slo-burn",
    severity: w.severity,
    for: w.for,
    expr: `${above(w.long)} and ${above(w.short)}`,
    grafana: { query: `${raw(w.long)} and ${raw(w.short)}`, threshold: limit },
    summary: (v) => `Error budget burning at ${num(w.factor)}x: ${value(v)} of requests failed over ${w.long}`,
    description: (v) =>
      `In {{ $labels.${promLabel(ATTR.environment)} }} ${value(v)} of requests got a 5xx over the last ${w.long}, and the last ${w.short} ` +
      `agrees: more than ${num(w.factor)}x the ${budget} error budget of the ${formatQuantity(SUCCESS_RATE_TARGET)} success target ` +
      `(${SUCCESS_RATE_TARGET.reason}). At this rate a ${DAYS_PER_MONTH.value}-day error budget is gone in ${(DAYS_PER_MONTH.value / w.factor).toFixed(1)} days.`,
    scenario: {
      kind: "ratio", series: `${promName(METRICS.httpServerDuration)}_count`, threshold: limit,
      bad: { ...SCENARIO_ENV, [status]: "503" }, good: { ...SCENARIO_ENV, [status]: "201" }, ignored: { ...SCENARIO_ENV, [status]: "429" },
    },
  } satisfies AlertDef;
});

export const SLO_GROUP: RuleGroup = { name: "moltsecret-slo", interval: RULE_WINDOWS.evaluationInterval, recording: RECORDS, alerts: [...ERROR_RATE_ALERTS, ...ALERTS] };
