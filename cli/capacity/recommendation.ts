import { MIGRATION_TARGETS, type MigrationTargetId } from "../../catalog/index.ts";
import type { DeclaredNeeds, Trigger } from "./triggers.ts";

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

/** From the migration triggers only (evaluateTriggers); service health never recommends a migration. */
export function recommend(triggers: readonly Trigger[], needs: DeclaredNeeds, failed: readonly string[] = []): Recommendation {
  const firing = triggers.filter((t) => t.status === "warning" || t.status === "critical").map((t) => t.id);
  const critical = triggers.some((t) => t.status === "critical");
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
    ? `${critical ? "Migrate now" : "Plan the migration"} (${firing.join(", ")} fired)${first ? `: ${first.name} first` : ""}.`
    : failed.length > 0
      ? `No measured migration trigger fired, but ${failed.join(", ")} could not be measured: rerun when the source answers.`
      : "Stay on D1: no migration trigger fired. Review monthly.";
  return { migrate, firing, summary, targets };
}
