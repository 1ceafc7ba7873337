import { ALERT_FOR, ATTR, LABEL_VALUES, METRICS, RULE_WINDOWS, TELEMETRY_EXPORT_FAILURES, promLabel, promName } from "../../catalog/index.ts";
import { num, RULE_SCOPE, telemetryExportFailureRatio } from "../../promql/index.ts";
import type { AlertDef, RecordingRule, RuleGroup } from "../model.ts";
import { formatQuantity } from "../../catalog/format.ts";
import { renderValue } from "../text.ts";
import { SCENARIO_ENV, recordName } from "./scope.ts";

/** The exporter counts its own failed and dropped exports; they arrive with the next export that succeeds. */

const RECORD: RecordingRule = { record: recordName("telemetry_export_failure_ratio", `rate${RULE_SCOPE.window}`), expr: telemetryExportFailureRatio(RULE_SCOPE) };
const LEVELS = ["warning", "critical"] as const;
const outcome = promLabel(ATTR.outcome);
const signal = promLabel(ATTR.signal);

const ALERTS: AlertDef[] = LEVELS.map((level) => {
  const t = TELEMETRY_EXPORT_FAILURES[level];
  return {
    name: `MoltsecretTelemetryExportFailing${level.charAt(0).toUpperCase()}${level.slice(1)}`,
    family: "telemetry-export",
    severity: level,
    for: ALERT_FOR[level],
    expr: `${RECORD.record} > ${num(t.value)}`,
    grafana: { query: RECORD.expr, threshold: t.value },
    summary: (v) => `${renderValue("percent", v)} of OTLP exports fail or are dropped (${level} above ${formatQuantity(t)})`,
    description: (v) =>
      `In {{ $labels.${promLabel(ATTR.environment)} }} ${renderValue("percent", v)} of telemetry exports failed or were dropped over ${RULE_SCOPE.window} ` +
      `(${t.reason}). Requests are unaffected, but metrics, logs and traces are going missing.`,
    scenario: {
      kind: "ratio", series: promName(METRICS.telemetryExports), threshold: t.value,
      bad: { ...SCENARIO_ENV, [signal]: "metrics", [outcome]: LABEL_VALUES.telemetryOutcome.failed },
      good: { ...SCENARIO_ENV, [signal]: "metrics", [outcome]: LABEL_VALUES.telemetryOutcome.exported },
    },
  } satisfies AlertDef;
});

export const TELEMETRY_GROUP: RuleGroup = { name: "moltsecret-telemetry", interval: RULE_WINDOWS.evaluationInterval, recording: [RECORD], alerts: ALERTS };
