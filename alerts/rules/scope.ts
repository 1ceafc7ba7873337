import { RUNBOOK_BASE_URL } from "../../catalog/index.ts";
import { ENV_LABEL } from "../../promql/index.ts";

/** Level:metric:operation names (Prometheus recording-rule convention). */
export const recordName = (metric: string, operation: string): string => `moltsecret:${metric}:${operation}`;

/** Labels the promtool scenarios put on every input series (and so expect on every alert). */
export const SCENARIO_ENV = { [ENV_LABEL]: "production" } as const;

export const runbookUrl = (family: string): string => `${RUNBOOK_BASE_URL}${family}.md`;
