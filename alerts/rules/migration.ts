import { ALERT_FOR, ATTR, LABEL_VALUES, METRICS, MIGRATION, QUANTILES, RULE_WINDOWS, promLabel, promName } from "../../catalog/index.ts";
import { d1Size, d1SizeAtHorizon, d1WriteLatencyP95, num, PROJECTION_HORIZON_SECONDS, RULE_SCOPE } from "../../promql/index.ts";
import type { AlertDef, RecordingRule, RuleGroup } from "../model.ts";
import { formatQuantity } from "../../catalog/format.ts";
import { renderValue } from "../text.ts";
import { SCENARIO_ENV, recordName } from "./scope.ts";

/** Rec. 1's "When to Migrate": any one trigger opens a migration-planning ticket. */

const horizon = `${MIGRATION.projectionHorizon.value}${MIGRATION.projectionHorizon.unit === "days" ? "d" : MIGRATION.projectionHorizon.unit}`;
const env = `{{ $labels.${promLabel(ATTR.environment)} }}`;

/** The size itself is recorded by the thresholds group; this group reads the raw gauge so it never depends on another group's timing. */
const SIZE = { expr: d1Size(RULE_SCOPE) };
const PROJECTION: RecordingRule = { record: recordName("d1_database_size_bytes", `predict_linear_${horizon}`), expr: d1SizeAtHorizon(RULE_SCOPE) };
const WRITE_P95: RecordingRule = { record: recordName("d1_write_duration_seconds", `p95_rate${RULE_SCOPE.window}`), expr: d1WriteLatencyP95(RULE_SCOPE) };

const ALERTS: AlertDef[] = [
  {
    name: "MoltsecretMigrationD1Size", family: "migration", severity: "ticket", for: ALERT_FOR.migration,
    expr: `${SIZE.expr} > ${num(MIGRATION.d1Size.value)}`,
    grafana: { query: SIZE.expr, threshold: MIGRATION.d1Size.value },
    summary: (v) => `D1 is ${renderValue("bytes", v)}: past the ${formatQuantity(MIGRATION.d1Size)} migration trigger`,
    description: (v) => `The D1 database in ${env} holds ${renderValue("bytes", v)} (${MIGRATION.d1Size.reason}). Plan the move now: run \`moltsecret migrate plan --to turso\`.`,
    scenario: { kind: "gauge", series: promName(METRICS.d1DatabaseSize), labels: SCENARIO_ENV, threshold: MIGRATION.d1Size.value },
  },
  {
    name: "MoltsecretMigrationWriteLatency", family: "migration", severity: "ticket", for: ALERT_FOR.migration,
    expr: `${WRITE_P95.record} > ${num(MIGRATION.writeLatencyP95.value)}`,
    grafana: { query: WRITE_P95.expr, threshold: MIGRATION.writeLatencyP95.value },
    summary: (v) => `D1 write p95 is ${renderValue("seconds", v)}, above the ${formatQuantity(MIGRATION.writeLatencyP95)} migration trigger for ${ALERT_FOR.migration}`,
    description: (v) =>
      `Writes to D1 in ${env} have had a p95 of ${renderValue("seconds", v)} for ${ALERT_FOR.migration} (${MIGRATION.writeLatencyP95.reason}). ` +
      "The single primary is the bottleneck; run `moltsecret migrate plan --to turso`.",
    scenario: {
      kind: "histogram", def: METRICS.d1ClientDuration, quantile: QUANTILES.p95.value, threshold: MIGRATION.writeLatencyP95.value,
      labels: { ...SCENARIO_ENV, [promLabel(ATTR.d1OperationType)]: LABEL_VALUES.d1OperationType.write },
    },
  },
  {
    name: "MoltsecretMigrationSizeProjection", family: "migration", severity: "ticket", for: ALERT_FOR.migration,
    expr: `${PROJECTION.record} > ${num(MIGRATION.d1Size.value)}`,
    grafana: { query: PROJECTION.expr, threshold: MIGRATION.d1Size.value },
    summary: (v) => `D1 is projected to reach ${renderValue("bytes", v)} within ${MIGRATION.projectionHorizon.value} days, past the ${formatQuantity(MIGRATION.d1Size)} trigger`,
    description: (v) =>
      `At the growth of the last ${RULE_WINDOWS.projectionLookback}, the D1 database in ${env} reaches ${renderValue("bytes", v)} ` +
      `in ${MIGRATION.projectionHorizon.value} days (${MIGRATION.projectionHorizon.reason}). Run \`moltsecret capacity\` and \`moltsecret migrate plan --to turso\`.`,
    scenario: { kind: "projection", series: promName(METRICS.d1DatabaseSize), labels: SCENARIO_ENV, threshold: MIGRATION.d1Size.value, horizonSeconds: PROJECTION_HORIZON_SECONDS },
  },
];

export const MIGRATION_GROUP: RuleGroup = { name: "moltsecret-migration", interval: RULE_WINDOWS.evaluationInterval, recording: [PROJECTION, WRITE_P95], alerts: ALERTS };
