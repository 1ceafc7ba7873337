import { ALL_ALERTS, RULE_GROUPS } from "../../alerts/rules/index.ts";
import { dashboardQueries, type NamedQuery } from "../collect-queries.ts";

/** An alert expression with the recording rules it reads replaced by their expressions (a bare backend has no rules). */
export function inlineRecords(expr: string): string {
  const records = RULE_GROUPS.flatMap((g) => g.recording).sort((a, b) => b.record.length - a.record.length);
  return records.reduce((text, r) => text.split(r.record).join(`(${r.expr})`), expr);
}

/** The value half of each alert (what its threshold compares), and the selector inside absent(). */
export function alertValueQueries(): NamedQuery[] {
  return ALL_ALERTS.map((a) => {
    const absent = a.expr.match(/^absent\((.*)\)$/);
    if (absent) return { where: `alert ${a.name} (selector)`, expr: absent[1] ?? "" };
    return { where: `alert ${a.name} (value)`, expr: inlineRecords(a.expr.replace(/ > [\d.e+]+( and .*)?$/, "")) };
  });
}

export const recordingQueries = (): NamedQuery[] =>
  RULE_GROUPS.flatMap((g) => g.recording.map((r) => ({ where: `record ${r.record}`, expr: r.expr })));

/** Everything a live backend must answer with data: panels, recording rules, alert values. */
export const liveQueries = (): NamedQuery[] => [...dashboardQueries(), ...recordingQueries(), ...alertValueQueries()];
