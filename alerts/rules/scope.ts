import { RULE_WINDOWS, RUNBOOK_BASE_URL } from "../../catalog/index.ts";
import { ENV_LABEL, type Scope } from "../../promql/index.ts";

/** Rules evaluate every environment at once and keep it as a label, so one rule alerts per environment. */
export const RULE_SCOPE: Scope = { matchers: [], by: [ENV_LABEL], window: RULE_WINDOWS.rate };

export const windowScope = (window: string): Scope => ({ ...RULE_SCOPE, window });

/** Level:metric:operation names (Prometheus recording-rule convention). */
export const recordName = (metric: string, operation: string): string => `moltsecret:${metric}:${operation}`;

/** Labels the promtool scenarios put on every input series (and so expect on every alert). */
export const SCENARIO_ENV = { [ENV_LABEL]: "production" } as const;

export const runbookUrl = (family: string): string => `${RUNBOOK_BASE_URL}${family}.md`;
