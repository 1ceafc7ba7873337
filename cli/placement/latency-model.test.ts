import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { PLACEMENT_LATENCY } from "../../catalog/index.ts";
import { REPO } from "../test/local-d1-fixture.ts";
import { ENDPOINT_TRIPS, latencyTable, p50Ms } from "./latency-model.ts";

const trips = (endpoint: string) => ENDPOINT_TRIPS.find((e) => e.endpoint.startsWith(endpoint))!;

it("a placed Worker pays the round trip to the primary on every read, the edge only on D1 round trips", () => {
  const hit = trips("GET /api/secrets/{id}, edge hit");
  expect(p50Ms(hit, "eu", "edge")).toBe(PLACEMENT_LATENCY.worker.value + PLACEMENT_LATENCY.cacheApi.value);
  expect(p50Ms(hit, "eu", "placed") - p50Ms(hit, "eu", "edge")).toBe(PLACEMENT_LATENCY.rttToPrimary.eu.value);
});

it("the split saves long round trips only where a write makes more than one", () => {
  const before = trips("DELETE /api/secrets/{id} as it was");
  const now = trips("DELETE /api/secrets/{id} (token");
  const create = trips("POST /api/secrets");
  expect(p50Ms(before, "apac", "split")).toBeLessThan(p50Ms(before, "apac", "edge"));
  for (const write of [now, create]) expect(p50Ms(write, "apac", "split")).toBeGreaterThan(p50Ms(write, "apac", "edge"));
});

it("the README's placement table is the model's output, not typed in", () => {
  const readme = readFileSync(join(REPO, "README.md"), "utf8");
  expect(readme).toContain(latencyTable());
});
