import type { RuleGroup } from "../model.ts";
import { ABSENT_GROUP } from "./absent.ts";
import { MIGRATION_GROUP } from "./migration.ts";
import { SLO_GROUP } from "./slo.ts";
import { TELEMETRY_GROUP } from "./telemetry.ts";
import { THRESHOLD_GROUP } from "./thresholds.ts";

/** Every rule group, in the order they are written out. */
export const RULE_GROUPS: readonly RuleGroup[] = [THRESHOLD_GROUP, SLO_GROUP, MIGRATION_GROUP, ABSENT_GROUP, TELEMETRY_GROUP];

export const ALL_ALERTS = RULE_GROUPS.flatMap((g) => g.alerts);
