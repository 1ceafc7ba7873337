import { aggregatorCost } from "../../catalog/index.ts";

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The README's table (checked by readme.node.test.ts): isolates -> hand-offs, DO requests and rows, dollars. */
export function aggregatorCostTable(pointsPerHandoff: number, isolateCounts = [10, 100, 300, 1_000, 10_000]): string {
  const rows = isolateCounts.map((isolates) => {
    const c = aggregatorCost({ isolates, pointsPerHandoff });
    return `| ${fmt(isolates)} | ${fmt(c.handoffsPerSecond, 2)} | ${fmt(c.doRequestsPerMonth / 1e6, 1)}M | ${fmt(c.rowsWrittenPerMonth / 1e6, 1)}M | $${fmt(c.usdPerMonth, 2)} | $${fmt(c.rowPerPointUsdPerMonth, 0)} | ${c.shardsNeeded} |`;
  });
  return [
    `| Isolates alive | Hand-offs/s | DO requests/month | Rows written/month | Aggregator $/month | One row per point instead | Shards needed |`,
    `|---|---|---|---|---|---|---|`,
    ...rows,
  ].join("\n");
}
