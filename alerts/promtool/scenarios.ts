import { UNIT, promName } from "../../catalog/index.ts";
import type { Labels, Scenario } from "../model.ts";

/**
 * Input series that put a scenario just below ("below") or just above ("above") its threshold,
 * or exactly on it ("exact", ratios only), and the value the alert expression then has.
 */

export type Mode = "below" | "above" | "exact";

export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

/** Events per minute in counter scenarios: large enough that one event is a tiny step over the threshold. */
const PER_MINUTE = UNIT.million;

const selector = (name: string, labels: Labels): string => {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return pairs.length ? `${name}{${pairs.join(", ")}}` : name;
};

/** A counter growing by `perMinute` each minute for `length` minutes (promtool expanding notation). */
const counter = (perMinute: number, length: number): string => `0+${perMinute}x${length}`;

function ratioCounts(threshold: number, mode: Mode): number {
  const onThreshold = Math.round(threshold * PER_MINUTE);
  if (mode === "exact") return onThreshold;
  return mode === "above" ? onThreshold + 1 : onThreshold - 1;
}

function bucketIndex(buckets: readonly number[], threshold: number): number {
  const index = buckets.indexOf(threshold);
  if (index < 0 || index + 1 >= buckets.length) {
    throw new Error(`threshold ${threshold} must be a histogram bucket boundary below the last one: alerts on it are exact only then`);
  }
  return index;
}

export function inputSeries(scenario: Scenario, mode: Mode, length: number): InputSeries[] {
  switch (scenario.kind) {
    case "ratio": {
      const bad = scenario.threshold >= 1 ? PER_MINUTE : ratioCounts(scenario.threshold, mode);
      const ignored = scenario.ignored && bad < PER_MINUTE ? bad : 0;
      const good = PER_MINUTE - bad - ignored;
      const out = [{ series: selector(scenario.series, scenario.bad), values: counter(bad, length) }];
      if (good > 0) out.push({ series: selector(scenario.series, scenario.good), values: counter(good, length) });
      if (scenario.ignored) out.push({ series: selector(scenario.series, scenario.ignored), values: counter(ignored, length) });
      return out;
    }
    case "histogram": {
      const buckets = scenario.def.buckets ?? [];
      const i = bucketIndex(buckets, scenario.threshold);
      const atOrBelow = mode === "above" ? Math.floor(scenario.quantile * PER_MINUTE) - 1 : PER_MINUTE;
      const name = `${promName(scenario.def)}_bucket`;
      const cumulative = (le: number): number => (le < scenario.threshold ? 0 : le === scenario.threshold ? atOrBelow : PER_MINUTE);
      return [
        ...buckets.map((le, j) => ({ series: selector(name, { ...scenario.labels, le: String(le) }), values: counter(j < i ? 0 : cumulative(le), length) })),
        { series: selector(name, { ...scenario.labels, le: "+Inf" }), values: counter(PER_MINUTE, length) },
      ];
    }
    case "gauge": {
      const value = mode === "above" ? scenario.threshold + 1 : scenario.threshold - 1;
      return [{ series: selector(scenario.series, scenario.labels), values: `${value}+0x${length}` }];
    }
    case "projection": {
      const horizon = scenario.horizonSeconds / UNIT.secondsPerMinute;
      // Growth per minute such that the projection is one minute's growth above (or below) the threshold.
      const slope = mode === "above" ? scenario.threshold / horizon : scenario.threshold / (horizon + length + 1);
      return [{ series: selector(scenario.series, scenario.labels), values: `0+${slope}x${length}` }];
    }
    case "absent":
      return mode === "above" ? [] : [{ series: selector(scenario.series, scenario.labels), values: `1+0x${length}` }];
  }
}

/** The value of the alert expression at minute `at` of an "above" input (what $value renders). */
export function expectedValue(scenario: Scenario, at: number): number {
  switch (scenario.kind) {
    case "ratio":
      return (scenario.threshold >= 1 ? PER_MINUTE : ratioCounts(scenario.threshold, "above")) / PER_MINUTE;
    case "histogram": {
      const buckets = scenario.def.buckets ?? [];
      const next = buckets[bucketIndex(buckets, scenario.threshold) + 1] ?? scenario.threshold;
      const atOrBelow = Math.floor(scenario.quantile * PER_MINUTE) - 1;
      const rank = scenario.quantile * PER_MINUTE;
      return scenario.threshold + ((next - scenario.threshold) * (rank - atOrBelow)) / (PER_MINUTE - atOrBelow);
    }
    case "gauge":
      return scenario.threshold + 1;
    case "projection": {
      const horizon = scenario.horizonSeconds / UNIT.secondsPerMinute;
      return (scenario.threshold / horizon) * (at + horizon);
    }
    case "absent":
      return 1;
  }
}
