import type { MetricDef } from "../catalog/index.ts";

export type Severity = "warning" | "critical" | "page" | "ticket";

/** One runbook per family: alerts/runbooks/<family>.md. */
export type Family = "error-rate" | "latency" | "d1-size" | "worker-cpu" | "slo-burn" | "migration" | "absent-data" | "telemetry-export";

/** How a template refers to the alert's value: `$value` in Prometheus, `$values.A.Value` in Grafana-managed rules. */
export type ValueRef = string;

/** Label set of one input series in a promtool test. */
export type Labels = Readonly<Record<string, string>>;

/**
 * What drives an alert to its boundary in a promtool unit test. The generator turns it into input series
 * just below and just above the threshold, and computes the value the annotations must render.
 */
export type Scenario =
  | {
      readonly kind: "ratio"; readonly series: string; readonly bad: Labels; readonly good: Labels; readonly threshold: number;
      /** Series that must not count (4xx for the error rate): the generator sends plenty of them. */
      readonly ignored?: Labels;
    }
  | { readonly kind: "histogram"; readonly def: MetricDef; readonly labels: Labels; readonly quantile: number; readonly threshold: number }
  | { readonly kind: "gauge"; readonly series: string; readonly labels: Labels; readonly threshold: number }
  | { readonly kind: "projection"; readonly series: string; readonly labels: Labels; readonly threshold: number; readonly horizonSeconds: number }
  | { readonly kind: "absent"; readonly series: string; readonly labels: Labels };

/** How the value of an alert is shown to a human: a Go template pipeline plus a unit word. */
export type ValueFormat = "percent" | "seconds" | "bytes" | "milliseconds" | "count";

export interface AlertDef {
  readonly name: string;
  readonly family: Family;
  readonly severity: Severity;
  readonly for: string;
  /** Prometheus expression; may read recording rules of its own group. */
  readonly expr: string;
  /** The same condition on raw metrics for Grafana-managed rules: a value query and a threshold on it. */
  readonly grafana: { readonly query: string; readonly threshold: number };
  readonly summary: (value: ValueRef) => string;
  readonly description: (value: ValueRef) => string;
  readonly scenario: Scenario;
}

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
}

export interface RuleGroup {
  readonly name: string;
  readonly interval: string;
  readonly recording: readonly RecordingRule[];
  readonly alerts: readonly AlertDef[];
}
