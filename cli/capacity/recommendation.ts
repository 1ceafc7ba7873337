import { MIGRATION_TARGETS, type MigrationTargetId } from "../../catalog/index.ts";
import type { DeclaredNeeds, Trigger } from "./triggers.ts";

/** Triggers of Recommendation 1 ("When to Migrate") and the limits behind them; error rate is an alert, not a reason to migrate. */
const MIGRATION_TRIGGER_IDS = new Set([
  "d1_size", "d1_rows", "write_latency_p95", "write_rate", "complex_transactions", "multi_region_writes", "d1_size_projection",
]);

export interface TargetAdvice {
  id: MigrationTargetId;
  name: string;
  rank: number;
  fits: boolean;
  reason: string;
}

export interface Recommendation {
  migrate: boolean;
  firing: string[];
  summary: string;
  targets: TargetAdvice[];
}

export function recommend(triggers: readonly Trigger[], needs: DeclaredNeeds): Recommendation {
  const firing = triggers.filter((t) => MIGRATION_TRIGGER_IDS.has(t.id) && (t.status === "warning" || t.status === "critical")).map((t) => t.id);
  const migrate = firing.length > 0;
  const targets = MIGRATION_TARGETS.map((t, i): TargetAdvice => {
    const reasons: string[] = [t.fit];
    let fits = true;
    if (needs.multiRegionWrites && !t.multiRegionWrites) {
      fits = false;
      reasons.push("writes go to one primary region, so it does not meet the declared multi-region write need");
    }
    if (needs.multiRegionWrites && t.multiRegionWrites) reasons.push("the document's choice for multi-region writes (Rec. 3, long-term)");
    if (needs.complexTransactions && t.complexTransactions) reasons.push("interactive transactions, unlike D1");
    reasons.push(t.sqliteCompatible ? "same SQL dialect: schema and queries move almost unchanged (see `moltsecret migrate plan`)" : "different SQL dialect: schema and queries need porting (see `moltsecret migrate plan --to " + t.id + "`)");
    return { id: t.id, name: t.name, rank: i + 1, fits, reason: reasons.join("; ") };
  });
  const first = targets.find((t) => t.fits);
  const summary = migrate
    ? `Plan migration now (${firing.join(", ")} fired)${first ? `: ${first.name} first` : ""}.`
    : "Stay on D1: no migration trigger fired. Review monthly.";
  return { migrate, firing, summary, targets };
}
