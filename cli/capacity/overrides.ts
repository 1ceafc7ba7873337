import { UserError } from "../errors.ts";
import { parseRange } from "./ranges.ts";
import { NUMERIC_TRIGGER_IDS, type NumericTriggerId, type ThresholdOverrides } from "./triggers.ts";

const ALIASES: Record<string, NumericTriggerId> = { size: "d1_size", rows: "d1_rows", write_p95: "write_latency_p95", projection: "d1_size_projection" };

/**
 * `-w 4GB`, `-w d1_size=4GB,write_latency_p95=40ms`, repeatable: a range without a name applies to d1_size,
 * the check's main figure, as a single-metric plugin's -w would.
 */
export function parseOverrides(warning: readonly string[] = [], critical: readonly string[] = []): ThresholdOverrides {
  const out: ThresholdOverrides = {};
  const add = (level: "warning" | "critical", items: readonly string[]) => {
    for (const item of items.flatMap((i) => i.split(","))) {
      const eq = item.indexOf("=");
      const name = eq < 0 ? "d1_size" : item.slice(0, eq).trim();
      const id = ALIASES[name] ?? name;
      if (!(NUMERIC_TRIGGER_IDS as readonly string[]).includes(id)) {
        throw new UserError(`unknown threshold name "${name}" in --${level}`, { hint: `use one of ${NUMERIC_TRIGGER_IDS.join(", ")} (e.g. --${level} d1_size=4GB)` });
      }
      const entry = (out[id as NumericTriggerId] ??= {});
      entry[level] = parseRange(eq < 0 ? item : item.slice(eq + 1));
    }
  };
  add("warning", warning);
  add("critical", critical);
  return out;
}
