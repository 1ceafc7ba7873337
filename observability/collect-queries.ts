import type { Dashboard, Panel, RowPanel } from "@grafana/grafana-foundation-sdk/dashboard";
import { RULE_GROUPS } from "../alerts/rules/index.ts";
import { DASHBOARDS } from "../dashboards/index.ts";

/** Every PromQL expression the generated artefacts evaluate, with where it comes from. */
export interface NamedQuery {
  readonly where: string;
  readonly expr: string;
}

const isPanel = (p: Panel | RowPanel): p is Panel => p.type !== "row";

export function dashboardQueries(): NamedQuery[] {
  return Object.entries(DASHBOARDS).flatMap(([name, build]) => {
    const dashboard: Dashboard = build();
    return (dashboard.panels ?? []).filter(isPanel).flatMap((panel) =>
      (panel.targets ?? []).map((t) => {
        const target = t as { refId?: string; expr?: string };
        return { where: `${name} / ${panel.title} / ${target.refId}`, expr: target.expr ?? "" };
      }),
    );
  });
}

export function ruleQueries(): NamedQuery[] {
  return RULE_GROUPS.flatMap((g) => [
    ...g.recording.map((r) => ({ where: `${g.name} / record ${r.record}`, expr: r.expr })),
    ...g.alerts.flatMap((a) => [
      { where: `${g.name} / alert ${a.name}`, expr: a.expr },
      { where: `${g.name} / grafana ${a.name}`, expr: a.grafana.query },
    ]),
  ]);
}
