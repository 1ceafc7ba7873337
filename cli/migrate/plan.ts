import { MIGRATION_TARGETS, type MigrationTargetId } from "../../catalog/index.ts";
import { D1_PATTERNS, type D1Pattern } from "./patterns.ts";
import { scanForPatterns, type Finding, type Skipped } from "./scan.ts";

export interface MigrationPlan {
  target: (typeof MIGRATION_TARGETS)[number];
  root: string;
  dirs: string[];
  filesScanned: number;
  findings: Finding[];
  skipped: Skipped[];
  /** The patterns found, in the order of D1_PATTERNS, each with its hits. */
  groups: { pattern: D1Pattern; hits: Finding[] }[];
}

/** `migrate plan`: every D1-specific pattern in the code that talks to D1, grouped, with the target's advice. */
export async function buildMigrationPlan(o: { root: string; dirs: string[]; target: MigrationTargetId; includeTests: boolean }): Promise<MigrationPlan> {
  const { files, findings, skipped } = await scanForPatterns({ root: o.root, dirs: o.dirs, target: o.target, includeTests: o.includeTests });
  const groups = D1_PATTERNS.map((p) => ({ pattern: p, hits: findings.filter((f) => f.pattern === p.id) })).filter((g) => g.hits.length > 0);
  return { target: MIGRATION_TARGETS.find((t) => t.id === o.target)!, root: o.root, dirs: o.dirs, filesScanned: files, findings, skipped, groups };
}
