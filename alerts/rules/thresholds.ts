import {
  ALERT_FOR, ATTR, D1_SIZE, RULE_WINDOWS, ERROR_RATE, METRICS, P95_LATENCY, QUANTILES, WORKER_CPU, promLabel, promName,
  type Quantity, type Threshold,
} from "../../catalog/index.ts";
import { cpuQuantile, d1Size, errorRatio, latencyQuantile, num, RULE_SCOPE } from "../../promql/index.ts";
import type { AlertDef, RecordingRule, RuleGroup, Scenario, ValueFormat } from "../model.ts";
import { formatQuantity } from "../../catalog/format.ts";
import { renderValue } from "../text.ts";
import { SCENARIO_ENV, recordName } from "./scope.ts";

/** Rec. 4's alert table: every row at warning and critical, each on a recorded value. */

const LEVELS = ["warning", "critical"] as const;
const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

interface Signal {
  readonly key: string;
  readonly family: AlertDef["family"];
  readonly what: string;
  readonly threshold: Threshold;
  readonly format: ValueFormat;
  readonly record: RecordingRule;
  readonly scenario: (level: Quantity) => Scenario;
  readonly impact: string;
}

const http = METRICS.httpServerDuration;
const status = promLabel(ATTR.status);
const route = promLabel(ATTR.route);
const SCENARIO_ROUTE = "/api/secrets";

export const ERROR_RATIO_RECORD: RecordingRule = { record: recordName("http_error_ratio", `rate${RULE_SCOPE.window}`), expr: errorRatio(RULE_SCOPE) };

const SIGNALS: readonly Signal[] = [
  {
    key: "ErrorRate", family: "error-rate", what: "5xx error rate", threshold: ERROR_RATE, format: "percent",
    record: ERROR_RATIO_RECORD,
    scenario: (level) => ({
      kind: "ratio", series: `${promName(http)}_count`, threshold: level.value,
      bad: { ...SCENARIO_ENV, [route]: SCENARIO_ROUTE, [status]: "503" },
      good: { ...SCENARIO_ENV, [route]: SCENARIO_ROUTE, [status]: "201" },
      ignored: { ...SCENARIO_ENV, [route]: SCENARIO_ROUTE, [status]: "404" },
    }),
    impact: "Requests are failing with server errors (4xx are not counted: they are the client's).",
  },
  {
    key: "LatencyP95", family: "latency", what: "request latency p95", threshold: P95_LATENCY, format: "seconds",
    record: { record: recordName("http_request_duration_seconds", `p95_rate${RULE_SCOPE.window}`), expr: latencyQuantile(QUANTILES.p95.value, RULE_SCOPE) },
    scenario: (level) => ({ kind: "histogram", def: http, labels: { ...SCENARIO_ENV, [route]: SCENARIO_ROUTE }, quantile: QUANTILES.p95.value, threshold: level.value }),
    impact: "One request in twenty waits longer than this.",
  },
  {
    key: "D1Size", family: "d1-size", what: "D1 database size", threshold: D1_SIZE, format: "bytes",
    record: { record: recordName("d1_database_size_bytes", "max"), expr: d1Size(RULE_SCOPE) },
    scenario: (level) => ({ kind: "gauge", series: promName(METRICS.d1DatabaseSize), labels: SCENARIO_ENV, threshold: level.value }),
    impact: "D1 stops accepting writes at its hard size limit.",
  },
  {
    key: "WorkerCpu", family: "worker-cpu", what: "Worker CPU time p99 per invocation", threshold: WORKER_CPU, format: "milliseconds",
    record: { record: recordName("worker_cpu_time_milliseconds", `p99_rate${RULE_SCOPE.window}`), expr: cpuQuantile(QUANTILES.p99.value, RULE_SCOPE) },
    scenario: (level) => ({ kind: "histogram", def: METRICS.workerCpuTime, labels: { ...SCENARIO_ENV, [promLabel(ATTR.workerScript)]: "moltsecret-api" }, quantile: QUANTILES.p99.value, threshold: level.value }),
    impact: "Invocations over the cpu_ms limit are killed; CPU time is also billed.",
  },
];

function alertsOf(signal: Signal): AlertDef[] {
  return LEVELS.map((level) => {
    const t = signal.threshold[level];
    const value = (v: string) => renderValue(signal.format, v);
    const rawQuery = signal.record.expr;
    return {
      name: `Moltsecret${signal.key}${capitalize(level)}`,
      family: signal.family,
      severity: level,
      for: ALERT_FOR[level],
      expr: `${signal.record.record} > ${num(t.value)}`,
      grafana: { query: rawQuery, threshold: t.value },
      summary: (v) => `${capitalize(signal.what)} is ${value(v)}, above the ${formatQuantity(t)} ${level} threshold`,
      description: (v) =>
        `${capitalize(signal.what)} in {{ $labels.${promLabel(ATTR.environment)} }} has been ${value(v)} for ${ALERT_FOR[level]} ` +
        `(${level} above ${formatQuantity(t)}: ${t.reason}). ${signal.impact}`,
      scenario: signal.scenario(t),
    } satisfies AlertDef;
  });
}

const isErrorRate = (s: Signal): boolean => s.record === ERROR_RATIO_RECORD;

/** The error-rate alerts live with the SLO rules, which record the error ratio at every window. */
export const ERROR_RATE_ALERTS: readonly AlertDef[] = SIGNALS.filter(isErrorRate).flatMap(alertsOf);

export const THRESHOLD_GROUP: RuleGroup = {
  name: "moltsecret-thresholds",
  interval: RULE_WINDOWS.evaluationInterval,
  recording: SIGNALS.filter((s) => !isErrorRate(s)).map((s) => s.record),
  alerts: SIGNALS.filter((s) => !isErrorRate(s)).flatMap(alertsOf),
};
