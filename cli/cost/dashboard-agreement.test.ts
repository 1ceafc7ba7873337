import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ATTR, COST_ASSUMPTIONS, COST_BASE, DAYS_PER_MONTH, LABEL_VALUES, METRICS, UNIT, promLabel, promName } from "../../catalog/index.ts";
import { substituteVariables, GRAFANA_VARIABLES } from "../../promql/lint.ts";
import { runCli } from "../test/capture.ts";
import { REPO } from "../test/local-d1-fixture.ts";
import { startPrometheusFrom } from "../test/prometheus-backfill.ts";
import { estimateCost, type PerRequest } from "./model.ts";

/**
 * `moltsecret cost` and the cost dashboard are one cost model: the same usage, backfilled into a real Prometheus,
 * gives the same monthly bill in the generated dashboard's queries and in the CLI measuring that Prometheus.
 */

const SECONDS_PER_MONTH = UNIT.secondsPerDay * DAYS_PER_MONTH.value;
const STEP_S = 15;
const HOURS = 2;
const ENV = "production";

/** Usage per second (requests) and per request; DO requests are not metered, both sides take COST_ASSUMPTIONS'. */
interface Usage {
  requestsPerSecond: number;
  per: Omit<PerRequest, "doRequests">;
  storageBytes: number;
}

// About the document's Scale row: every term above the Paid plan's allowance except D1 reads.
const SCALE: Usage = { requestsPerSecond: 40, per: { cpuMs: 3, d1RowsRead: 3, d1RowsWritten: 1.5, kvReads: 0.4, kvWrites: 0.02 }, storageBytes: 7e9 };
// The MVP row: every term within the Free plan but KV writes (0.05 x 2.6M = 130K a month, over 1K a day): the base fee only.
const KV_HEAVY_MVP: Usage = { requestsPerSecond: 1, per: { cpuMs: 2, d1RowsRead: 2, d1RowsWritten: 0.5, kvReads: 0.5, kvWrites: 0.05 }, storageBytes: 1e8 };
// The same with few KV writes: the Free plan, $0.
const MVP: Usage = { ...KV_HEAVY_MVP, per: { ...KV_HEAVY_MVP.per, kvWrites: 0.005 } };

/** OpenMetrics text of the Worker's and the Tail Worker's series at `u`, sampled every 15 s over 2 h ending at `endS`. */
function openMetrics(u: Usage, endS: number): string {
  const env = `${promLabel(ATTR.environment)}="${ENV}"`;
  const base = (def: (typeof METRICS)[keyof typeof METRICS]) => promName(def).replace(/_total$/, "");
  const counters: [string, string, number][] = [
    [base(METRICS.d1RowsRead), `{${env}}`, u.per.d1RowsRead],
    [base(METRICS.d1RowsWritten), `{${env}}`, u.per.d1RowsWritten],
    [base(METRICS.cacheLookups), `{${env},${promLabel(ATTR.cacheLayer)}="${LABEL_VALUES.cacheLayerKv}"}`, u.per.kvReads],
    [base(METRICS.kvWrites), `{${env}}`, u.per.kvWrites],
  ];
  const histograms: [string, number][] = [[promName(METRICS.httpServerDuration), 0.01], [promName(METRICS.workerCpuTime), u.per.cpuMs]];
  const lines: string[] = [];
  for (const [name, labels, perRequest] of counters) {
    lines.push(`# TYPE ${name} counter`);
    for (let ts = endS - HOURS * 3600; ts <= endS; ts += STEP_S) lines.push(`${name}_total${labels} ${u.requestsPerSecond * perRequest * (ts - endS + HOURS * 3600)} ${ts}`);
  }
  for (const [name, sumPerRequest] of histograms) {
    lines.push(`# TYPE ${name} histogram`);
    for (let ts = endS - HOURS * 3600; ts <= endS; ts += STEP_S) {
      const n = u.requestsPerSecond * (ts - endS + HOURS * 3600);
      lines.push(`${name}_bucket{${env},le="+Inf"} ${n} ${ts}`, `${name}_count{${env}} ${n} ${ts}`, `${name}_sum{${env}} ${n * sumPerRequest} ${ts}`);
    }
  }
  const size = promName(METRICS.d1DatabaseSize);
  lines.push(`# TYPE ${size} gauge`);
  for (let ts = endS - HOURS * 3600; ts <= endS; ts += STEP_S) lines.push(`${size}{${env}} ${u.storageBytes} ${ts}`);
  return [...lines, "# EOF", ""].join("\n");
}

interface Target { expr: string; legendFormat?: string }
const dashboard = JSON.parse(readFileSync(join(REPO, "dashboards/generated/cost.json"), "utf8")) as { panels: { title: string; type: string; targets?: Target[] }[] };
const panel = (title: string, type: string) => dashboard.panels.find((p) => p.title === title && p.type === type)!;

async function evaluate(url: string, expr: string, atS: number): Promise<number> {
  const query = substituteVariables(expr, { ...GRAFANA_VARIABLES, $environment: ENV });
  const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query, time: String(atS) })}`);
  const body = (await res.json()) as { status: string; data: { result: { value: [number, string] }[] } };
  expect(body.status, query).toBe("success");
  expect(body.data.result, query).toHaveLength(1);
  return Number(body.data.result[0]!.value[1]);
}

const CASES = { scale: SCALE, kvHeavyMvp: KV_HEAVY_MVP, mvp: MVP } as const;
const END_S = Math.floor(Date.now() / 1000) - 30;
const proms: Partial<Record<keyof typeof CASES, { url: string; stop: () => Promise<void> }>> = {};

beforeAll(async () => {
  await Promise.all(Object.entries(CASES).map(async ([name, u]) => (proms[name as keyof typeof CASES] = await startPrometheusFrom(openMetrics(u, END_S)))));
}, 120_000);
afterAll(() => Promise.all(Object.values(proms).map((p) => p?.stop())));

const requestsPerMonth = (u: Usage) => u.requestsPerSecond * SECONDS_PER_MONTH;
const cliModel = (u: Usage) => estimateCost(requestsPerMonth(u), { ...u.per, doRequests: COST_ASSUMPTIONS.doRequests.value }, u.storageBytes);

describe("the cost dashboard and `moltsecret cost` give the same monthly bill for the same usage", () => {
  it.each(Object.keys(CASES) as (keyof typeof CASES)[])("%s: the dashboard's total in Prometheus = the CLI measuring that Prometheus = the model", async (name) => {
    const u = CASES[name];
    const model = cliModel(u);
    const total = await evaluate(proms[name]!.url, panel("Projected monthly cost", "stat").targets![0]!.expr, END_S);
    const { code, stdout } = await runCli(["cost", "--requests", String(requestsPerMonth(u)), "--prometheus-url", proms[name]!.url, "--json"]);
    expect(code).toBe(0);
    const cli = JSON.parse(stdout) as { estimate: { totalUsd: number; plan: string } };
    expect(total).toBeCloseTo(model.totalUsd, 6);
    expect(cli.estimate.totalUsd).toBeCloseTo(model.totalUsd, 6);
    expect(cli.estimate.plan).toBe(model.plan);
  });

  it("the expected bills are the document's rows: Scale above the base fee, a KV-heavy MVP at the base fee, the MVP free", () => {
    expect(cliModel(SCALE).totalUsd).toBeGreaterThan(COST_BASE.value);
    expect(cliModel(KV_HEAVY_MVP)).toMatchObject({ plan: "paid", totalUsd: COST_BASE.value });
    expect(cliModel(MVP)).toMatchObject({ plan: "free", totalUsd: 0 });
  });

  it("every item of the dashboard's breakdown is the CLI's line of the same name", async () => {
    const model = cliModel(SCALE);
    const targets = panel("Projected monthly cost by item", "timeseries").targets!;
    expect(targets.map((t) => t.legendFormat)).toEqual(model.lines.filter((l) => l.item !== "Workers Paid plan").map((l) => l.item));
    for (const t of targets) {
      const line = model.lines.find((l) => l.item === t.legendFormat)!;
      expect(await evaluate(proms.scale!.url, t.expr, END_S), line.item).toBeCloseTo(line.usd, 6);
    }
  });
});
