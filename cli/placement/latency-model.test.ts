import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { PLACEMENT_LATENCY as L } from "../../catalog/index.ts";
import { REPO } from "../test/local-d1-fixture.ts";
import { ENDPOINT_TRIPS, latencyTable, p50Ms } from "./latency-model.ts";

const trips = (endpoint: string) => ENDPOINT_TRIPS.find((e) => e.endpoint.startsWith(endpoint))!;

it("a placed Worker pays the round trip to the primary on every read; the edge and the split only on D1 round trips", () => {
  const hit = trips("GET /api/secrets/{id}, edge hit");
  expect(p50Ms(hit, "eu", "edge")).toBe(L.worker.value + L.cacheApi.value);
  expect(p50Ms(hit, "eu", "split")).toBe(p50Ms(hit, "eu", "edge"));
  expect(p50Ms(hit, "eu", "placed") - p50Ms(hit, "eu", "edge")).toBe(L.rttToPrimary.eu.value);
});

it("the split turns each writer call's D1 round trips into one long hop plus near-primary round trips", () => {
  const burn = trips("POST /api/secrets/{id}/reveal, limited");
  // One D1 round trip: the hop replaces it, the writer's own work and its local D1 call come on top.
  expect(p50Ms(burn, "apac", "split") - p50Ms(burn, "apac", "edge")).toBe(L.worker.value + L.d1NearPrimary.value);
  // Many round trips in one call (the cron's purge): one long hop instead of one per chunk.
  const purge = trips("cron purge");
  expect(p50Ms(purge, "apac", "edge")).toBe(L.worker.value + purge.d1 * L.rttToPrimary.apac.value);
  expect(p50Ms(purge, "apac", "split")).toBe(L.worker.value + L.rttToPrimary.apac.value + L.worker.value + purge.d1 * L.d1NearPrimary.value);
});

it("every write endpoint reaches the writer once per D1 round trip it makes at most, and reads never", () => {
  for (const e of ENDPOINT_TRIPS) {
    if (e.kind === "read") expect(e.writerCalls, e.endpoint).toBe(0);
    else expect(e.writerCalls, e.endpoint).toBeGreaterThanOrEqual(1);
    expect(e.writerCalls, e.endpoint).toBeLessThanOrEqual(e.d1);
  }
});

it("the README's placement table is the model's output, not typed in", () => {
  const readme = readFileSync(join(REPO, "README.md"), "utf8");
  expect(readme).toContain(latencyTable());
});
