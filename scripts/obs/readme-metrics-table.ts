import { END, START } from "./metrics-reference.ts";

/** One row of the README's metrics reference as a reader sees it. */
export interface ReferenceRow {
  otelName: string;
  /** Every Prometheus series name the row promises, the histogram shorthand (`_sum`, `_count`) spelled out. */
  stored: string[];
  type: string;
  unit: string;
  labels: string[];
  buckets: number[] | null;
}

const ticked = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

/**
 * Reads the table back out of README.md, independently of the generator: the tests compare what a reader is told
 * with what the Worker really sends and Prometheus really stores.
 */
export function readMetricsReference(readme: string): Map<string, ReferenceRow> {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error("README.md has no metrics reference");
  const rows = new Map<string, ReferenceRow>();
  for (const line of readme.slice(a + START.length, b).split("\n")) {
    if (!line.startsWith("| `")) continue;
    const cells = line.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim());
    const [name, storedCell, type, unit, labels, what] = cells;
    const stored = ticked(storedCell!);
    const base = stored[0]!.replace(/_bucket$/, "");
    const buckets = what!.match(/Buckets: (.+)\.$/)?.[1];
    rows.set(ticked(name!)[0]!, {
      otelName: ticked(name!)[0]!,
      stored: stored.map((s) => (s.startsWith("_") ? base + s : s)),
      type: type!,
      unit: ticked(unit!)[0]!,
      labels: ticked(labels!),
      buckets: buckets ? buckets.split(",").map(Number) : null,
    });
  }
  return rows;
}
