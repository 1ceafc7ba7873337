import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ATTR, GRAFANA_IDS, METRICS, TELEMETRY_COST, TELEMETRY_COST_TOLERANCE, promLabel, promName } from "../../catalog/index.ts";
import { dashboardQueries } from "../../observability/collect-queries.ts";
import { GRAFANA_VARIABLES, substituteVariables } from "../../promql/lint.ts";
import { driveMix, newDrive, send, type Drive } from "./drive.ts";
import { eventually, startPipeline, stopPipelines, type Pipeline } from "./harness.ts";

/**
 * Several isolate lifetimes of the real Worker (wrangler dev restarted over one persisted state: each run is a new
 * isolate) exporting through the Grafana Cloud stand-in, queried as an operator queries Grafana Cloud.
 */
const LIFETIMES = 5;
const ENVIRONMENT = "isolates-test";
const DURATION = promName(METRICS.httpServerDuration);
const ENV = `${promLabel(ATTR.environment)}="${ENVIRONMENT}"`;
const STATUS = promLabel(ATTR.status);
/** A status the mix never sends: each isolate sees it exactly once (a rare 5xx or 429 in production). */
const RARE_STATUS = "415";
/** Covers the whole test: increase() over it is "all requests the fleet served". */
const WHOLE_RUN = "1h";

const num = (samples: Array<{ value: [number, string] }>) => Number(samples[0]?.value[1] ?? 0);
/** An instant query without waiting for a flush (after one p.flush(), for many queries in a row). */
async function stored(promql: string): Promise<unknown[]> {
  const res = await fetch(`${p.promUrl}/api/v1/query?${new URLSearchParams({ query: promql })}`);
  const body = (await res.json()) as { status: string; error?: string; data: { result: unknown[] } };
  if (body.status !== "success") throw new Error(`${promql}: ${body.error}`);
  return body.data.result;
}
const probeTotal = (p: Pipeline) => [...p.probes.values()].reduce((a, b) => a + b, 0);

let p: Pipeline;
let drive: Drive;
let rareSent = 0;
const seriesAfter: number[] = [];
/** Every series of the environment (all metrics) after each lifetime. */
const seriesAfterAll: number[] = [];
const exportedBytes: number[] = [];

/** Sends /healthz until the stand-in's newest cumulative values account for every request sent so far. */
async function settle(lifetime: number): Promise<void> {
  // Each exporter's last cumulative value, summed: per isolate before the aggregator, per aggregator shard with it.
  const stored = async () => num(await p.query(`sum(last_over_time(${DURATION}_count{${ENV}}[${WHOLE_RUN}]))`));
  try {
    await eventually(async () => {
      await (await send(drive, p.workerUrl, "GET", "/healthz", "/healthz")).arrayBuffer();
      await new Promise((r) => setTimeout(r, 2_200));
      await (await send(drive, p.workerUrl, "GET", "/healthz", "/healthz")).arrayBuffer();
      try {
        await eventually(async () => (await stored()) >= drive.total, 15_000, 500);
        return true;
      } catch {
        return false;
      }
    }, 180_000, 0);
  } catch (error) {
    throw new Error(`lifetime ${lifetime}: the stand-in holds ${await stored()} of ${drive.total} requests sent (${error})`);
  }
}

const bucketSeries = async () => num(await p.query(`count(last_over_time(${DURATION}_bucket{${ENV}}[${WHOLE_RUN}]))`));

beforeAll(async () => {
  p = await startPipeline({ exportIntervalMs: 2000, vars: { ENVIRONMENT, RATE_LIMIT_CREATE_PER_MINUTE: "0", RATE_LIMIT_REVEAL_PER_MINUTE: "0" } });
  drive = newDrive(p.probes);
  for (let lifetime = 1; lifetime <= LIFETIMES; lifetime++) {
    if (lifetime > 1) {
      const before = probeTotal(p);
      await p.restartWorker();
      // The harness's readiness probes of the new isolate are requests the Worker counts.
      const probes = probeTotal(p) - before;
      drive.sent.set("GET /healthz 200", (drive.sent.get("GET /healthz 200") ?? 0) + probes);
      drive.total += probes;
      const rare = await send(drive, p.workerUrl, "POST", "/api/secrets", "/api/secrets", { body: "x", headers: { "content-type": "text/plain" } });
      expect(String(rare.status)).toBe(RARE_STATUS);
      await rare.arrayBuffer();
      rareSent++;
    }
    await driveMix(drive, p.workerUrl);
    await settle(lifetime);
    seriesAfter.push(await bucketSeries());
    seriesAfterAll.push(num(await p.query(`count(last_over_time({${ENV}}[${WHOLE_RUN}]))`)));
    exportedBytes.push(p.batches.reduce((n, b) => n + b.bytes, 0));
  }
}, 1_500_000);

afterAll(stopPipelines);

describe(`${LIFETIMES} isolate lifetimes of the real Worker through the Grafana Cloud stand-in`, () => {
  it("keeps the duration-bucket series of 5 lifetimes within 1.5x those of 1", () => {
    console.log(`isolates: ${DURATION}_bucket series after each lifetime: ${seriesAfter.join(", ")} (x${(seriesAfter.at(-1)! / seriesAfter[0]!).toFixed(2)})`);
    expect(seriesAfter).toHaveLength(LIFETIMES);
    expect(seriesAfter.at(-1)!).toBeLessThanOrEqual(1.5 * seriesAfter[0]!);
  });

  it("counts all requests with increase() within 15% of those sent", async () => {
    const counted = num(await p.query(`sum(increase(${DURATION}_count{${ENV}}[${WHOLE_RUN}]))`));
    console.log(`isolates: increase() of all requests ${counted.toFixed(1)} vs ${drive.total} sent (${((counted / drive.total) * 100).toFixed(1)}%)`);
    expect(Math.abs(counted - drive.total)).toBeLessThanOrEqual(0.15 * drive.total);
  });

  it(`counts a status each isolate saw once within 1 of the truth over ${LIFETIMES - 1} lifetimes`, async () => {
    const counted = num(await p.query(`sum(increase(${DURATION}_count{${ENV}, ${STATUS}="${RARE_STATUS}"}[${WHOLE_RUN}]))`));
    console.log(`isolates: increase() of ${RARE_STATUS}s ${counted.toFixed(2)} vs ${rareSent} sent`);
    expect(rareSent).toBe(LIFETIMES - 1);
    expect(Math.abs(counted - rareSent)).toBeLessThanOrEqual(1);
  });

  it("offers the configured ENVIRONMENT in $environment, and filtering by it loses no panel's data", async () => {
    const res = await fetch(`${p.promUrl}/api/v1/label/${promLabel(ATTR.environment)}/values?${new URLSearchParams({ "match[]": `${DURATION}_count` })}`);
    expect(((await res.json()) as { data: string[] }).data).toContain(ENVIRONMENT);
    await p.flush();
    const lost: string[] = [];
    let withData = 0;
    for (const q of dashboardQueries()) {
      expect(q.expr, q.where).toContain(`$${GRAFANA_IDS.environmentVariable}`);
      const all = await stored(substituteVariables(q.expr));
      if (!all.length) continue; // no data locally (e.g. platform CPU time: no Tail Worker here)
      withData++;
      const filtered = await stored(substituteVariables(q.expr, { ...GRAFANA_VARIABLES, [`$${GRAFANA_IDS.environmentVariable}`]: ENVIRONMENT }));
      if (!filtered.length) lost.push(q.where);
    }
    console.log(`isolates: ${withData} panel queries with data, ${lost.length} lose it when filtered by ${ENVIRONMENT}`);
    expect(withData).toBeGreaterThan(20);
    expect(lost).toEqual([]);
  }, 120_000);

  it("measures telemetry's own cost: series, bytes per metrics export, log and trace bytes per request", async () => {
    const series = num(await p.query(`count(last_over_time({${ENV}}[${WHOLE_RUN}]))`));
    const bytes = (signal: string) => p.batches.filter((b) => b.signal === signal).reduce((n, b) => n + b.bytes, 0);
    const metricExports = p.batches.filter((b) => b.signal === "metrics" && b.items > 0);
    const measured = {
      series,
      seriesFullMix: series,
      seriesAfterFirstLifetime: seriesAfterAll[0]!,
      metricsBytesPerExport: Math.round(metricExports.reduce((n, b) => n + b.bytes, 0) / metricExports.length),
      logBytesPerRequest: Math.round(bytes("logs") / drive.total),
      traceBytesPerSampledRequest: Math.round(bytes("traces") / drive.total),
    };
    console.log(`isolates: telemetry cost measured ${JSON.stringify(measured)}`);
    // The series of 1 lifetime and of 5 are one set (the 5th has the rare status's label sets in addition).
    expect(series).toBeLessThanOrEqual(1.5 * measured.seriesAfterFirstLifetime);
    const drift = (key: keyof typeof TELEMETRY_COST & keyof typeof measured) => Math.abs(measured[key] / TELEMETRY_COST[key].value - 1);
    for (const key of ["seriesFullMix", "metricsBytesPerExport", "logBytesPerRequest", "traceBytesPerSampledRequest"] as const) {
      expect(drift(key), `${key}: measured ${measured[key]}, catalog ${TELEMETRY_COST[key].value}`).toBeLessThanOrEqual(TELEMETRY_COST_TOLERANCE.value);
    }
  });
});
