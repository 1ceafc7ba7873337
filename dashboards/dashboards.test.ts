import type { Dashboard, Panel, RowPanel } from "@grafana/grafana-foundation-sdk/dashboard";
import { describe, expect, it } from "vitest";
import * as catalog from "../catalog/index.ts";
import { COLORS, GRAFANA_IDS, type Quantity } from "../catalog/index.ts";
import { guardedValues } from "../catalog/threshold-literals.ts";
import { DASHBOARDS } from "./index.ts";

const reasons = new Set<string>();
const collect = (v: unknown): void => {
  if (typeof v !== "object" || v === null) return;
  if (typeof (v as Quantity).reason === "string" && typeof (v as Quantity).value === "number") reasons.add((v as Quantity).reason);
  Object.values(v).forEach(collect);
};
Object.values(catalog).forEach(collect);

const built = Object.entries(DASHBOARDS).map(([name, build]) => [name, build()] as const);
const panelsOf = (d: Dashboard): Panel[] => (d.panels ?? []).filter((p: Panel | RowPanel): p is Panel => p.type !== "row");

describe("generated dashboards", () => {
  it("are the four of the issue with stable uids", () => {
    expect(built.map(([, d]) => d.uid)).toEqual(["moltsecret-service-health", "moltsecret-d1-capacity", "moltsecret-business", "moltsecret-cost"]);
  });

  it.each(built)("%s has the datasource and environment variables", (_name, d) => {
    const vars = d.templating?.list ?? [];
    expect(vars.find((v) => v.name === GRAFANA_IDS.datasourceVariable)).toMatchObject({ type: "datasource", query: "prometheus" });
    expect(vars.find((v) => v.name === GRAFANA_IDS.environmentVariable)).toMatchObject({ type: "query", includeAll: true, allValue: ".*" });
  });

  it.each(built)("%s: every panel has a description, queries on the datasource variable, and unique ids", (_name, d) => {
    const panels = panelsOf(d);
    expect(panels.length).toBeGreaterThan(2);
    for (const p of panels) {
      expect(p.description?.length ?? 0, p.title).toBeGreaterThan(20);
      expect(p.datasource?.uid).toBe(`\${${GRAFANA_IDS.datasourceVariable}}`);
      expect(p.targets?.length ?? 0, p.title).toBeGreaterThan(0);
      for (const t of p.targets ?? []) expect(String((t as { expr?: string }).expr), p.title).toContain(`$${GRAFANA_IDS.environmentVariable}`);
    }
    const ids = (d.panels ?? []).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(built)("%s: threshold steps are catalog values in catalog colours, explained by their reason", (_name, d) => {
    const guarded = guardedValues();
    const colours = new Set<string>(Object.values(COLORS));
    for (const p of panelsOf(d)) {
      const steps = p.fieldConfig?.defaults?.thresholds?.steps ?? [];
      for (const s of steps) {
        expect(colours.has(s.color), `${p.title}: ${s.color}`).toBe(true);
        if (s.value !== null) {
          expect(guarded.has(Number(s.value.toPrecision(12))), `${p.title}: ${s.value}`).toBe(true);
          expect([...reasons].some((r) => p.description?.includes(r)), `${p.title} explains its thresholds`).toBe(true);
        }
      }
    }
  });

  it("colours the document's thresholds: error rate, p95 latency, D1 size, Worker CPU, SLO target, regional targets", () => {
    const steps = built.flatMap(([, d]) => panelsOf(d).flatMap((p) => (p.fieldConfig?.defaults?.thresholds?.steps ?? []).map((s) => s.value)));
    const { ERROR_RATE, P95_LATENCY, D1_SIZE, WORKER_CPU, SUCCESS_RATE_TARGET, LATENCY_TARGETS, MIGRATION, D1_LIMITS } = catalog;
    for (const q of [ERROR_RATE.warning, ERROR_RATE.critical, P95_LATENCY.warning, P95_LATENCY.critical, D1_SIZE.warning, D1_SIZE.critical, WORKER_CPU.warning, WORKER_CPU.critical, SUCCESS_RATE_TARGET, MIGRATION.writeLatencyP95, D1_LIMITS.maxSize]) {
      expect(steps, q.reason).toContain(q.value);
    }
    for (const region of catalog.REGIONS) for (const kind of ["read", "write"] as const) expect(steps).toContain(LATENCY_TARGETS[region][kind].value);
  });
});
