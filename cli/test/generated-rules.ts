import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { REPO } from "./local-d1-fixture.ts";

interface RuleFile { groups: { rules: ({ record: string; expr: string } | { alert: string; expr: string; annotations: { summary: string } })[] }[] }

/** The Prometheus rule file as shipped (alerts/generated/), not the TypeScript that generates it. */
export function generatedRules(): { records: Map<string, string>; alerts: Map<string, string>; summaries: Map<string, string> } {
  const file = parse(readFileSync(join(REPO, "alerts/generated/prometheus/moltsecret.rules.yaml"), "utf8")) as RuleFile;
  const rules = file.groups.flatMap((g) => g.rules);
  return {
    records: new Map(rules.flatMap((r) => ("record" in r ? [[r.record, r.expr] as const] : []))),
    alerts: new Map(rules.flatMap((r) => ("alert" in r ? [[r.alert, r.expr] as const] : []))),
    summaries: new Map(rules.flatMap((r) => ("alert" in r ? [[r.alert, r.annotations.summary] as const] : []))),
  };
}

/** The expression an alert compares with its threshold: the recording rule it reads, or its own left-hand side. */
export function alertQuantity(alert: string): string {
  const { records, alerts } = generatedRules();
  const expr = alerts.get(alert);
  if (expr === undefined) throw new Error(`no alert ${alert} in the generated rule file`);
  const lhs = expr.replace(/ > [^>]+$/, "");
  return records.get(lhs) ?? lhs;
}
