// Order statistics for small samples (5-10 rounds): medians and spread, never means of latency.

export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
  q1: number;
  q3: number;
}

const sorted = (xs: readonly number[]): number[] => xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);

/** Linear-interpolated quantile (type 7, as R and numpy default). */
export function quantile(xs: readonly number[], q: number): number {
  const s = sorted(xs);
  if (s.length === 0) return NaN;
  const pos = (s.length - 1) * q;
  const lo = s[Math.floor(pos)]!;
  const hi = s[Math.ceil(pos)]!;
  return lo + (hi - lo) * (pos - Math.floor(pos));
}

export const median = (xs: readonly number[]): number => quantile(xs, 0.5);

/** Median with min, max and interquartile range of the finite values. */
export function summary(xs: readonly number[]): Summary {
  const s = sorted(xs);
  return {
    n: s.length,
    median: median(s),
    min: s.length ? s[0]! : NaN,
    max: s.length ? s[s.length - 1]! : NaN,
    q1: quantile(s, 0.25),
    q3: quantile(s, 0.75),
  };
}

export interface PairedRatio {
  ofMedians: number;
  perRound: Summary;
  rounds: number[];
}

/**
 * Ratio of two variants measured in paired rounds: the ratio of medians (headline) and the
 * per-round ratios' spread, which is what tells a real difference from noise on a shared machine.
 */
export function pairedRatio(a: readonly number[], b: readonly number[]): PairedRatio {
  const rounds = a.map((x, i) => {
    const y = b[i];
    return Number.isFinite(x) && y !== undefined && Number.isFinite(y) && y !== 0 ? x / y : NaN;
  });
  return { ofMedians: median(a) / median(b), perRound: summary(rounds), rounds };
}
