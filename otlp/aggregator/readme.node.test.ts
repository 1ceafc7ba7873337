import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { FULL_MIX_POINTS, PRICES, TELEMETRY } from "../../catalog/index.ts";
import { aggregatorCostTable } from "./cost-table.ts";

const readme = readFileSync("README.md", "utf8");
const fleet = readme.split("<!-- section:fleet -->")[1]?.split("<!-- /section:fleet -->")[0] ?? "";

it("the README's aggregator cost table is aggregatorCostTable() of the catalog's prices", () => {
  const table = fleet.split(/<!-- aggregator-cost:start[^>]*-->\n/)[1]?.split("\n<!-- aggregator-cost:end -->")[0];
  expect(table).toBe(aggregatorCostTable(FULL_MIX_POINTS));
  expect(fleet).toContain(`(${FULL_MIX_POINTS} points per hand-off`);
  expect(fleet).toContain(`$${PRICES.doRequestsPerMillion.value} per million requests, $${PRICES.doRowsWrittenPerMillion.value.toFixed(2)} per million rows written, $${PRICES.doDurationPerMillionGbS.value.toFixed(2)} per million GB-s at ${TELEMETRY.aggregatorMemory.value * 1000} MB`);
});
