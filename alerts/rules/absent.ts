import { ALERT_FOR, METRICS, RULE_WINDOWS, promName, type MetricDef } from "../../catalog/index.ts";
import { series, type SeriesSuffix } from "../../promql/index.ts";
import type { AlertDef, RuleGroup } from "../model.ts";

/**
 * No data is not "all good": if the Worker's metrics, the D1 gauge or the Tail Worker's CPU histogram stop
 * arriving, every other alert goes silent. These fire instead.
 */

interface Source {
  readonly key: string;
  readonly def: MetricDef;
  readonly suffix: SeriesSuffix;
  readonly from: string;
}

const SOURCES: readonly Source[] = [
  { key: "Requests", def: METRICS.httpServerDuration, suffix: "_count", from: "the API Worker's OTLP metrics export" },
  { key: "D1Size", def: METRICS.d1DatabaseSize, suffix: "", from: "the API Worker's D1 size gauge (meta.size_after)" },
  { key: "WorkerCpu", def: METRICS.workerCpuTime, suffix: "_count", from: "the Tail Worker's CPU-time histogram" },
];

const ALERTS: AlertDef[] = SOURCES.map((s) => {
  const name = `${promName(s.def)}${s.suffix}`;
  return {
    name: `MoltsecretTelemetryAbsent${s.key}`,
    family: "absent-data",
    severity: "warning",
    for: ALERT_FOR.absent,
    expr: `absent(${series(s.def, s.suffix)})`,
    grafana: { query: `absent(${series(s.def, s.suffix)})`, threshold: 0 },
    summary: () => `No ${name} samples for ${ALERT_FOR.absent}: the thresholds on it cannot fire`,
    description: () =>
      `${name} has been absent for ${ALERT_FOR.absent}. It comes from ${s.from}; without it the alerts and panels built on it see nothing. ` +
      "Check that telemetry is configured (OTEL_EXPORTER_OTLP_ENDPOINT), exports succeed, and the Worker gets traffic.",
    scenario: { kind: "absent", series: name, labels: {} },
  } satisfies AlertDef;
});

export const ABSENT_GROUP: RuleGroup = { name: "moltsecret-absent-data", interval: RULE_WINDOWS.evaluationInterval, recording: [], alerts: ALERTS };
