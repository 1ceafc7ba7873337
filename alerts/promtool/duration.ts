import { UNIT } from "../../catalog/index.ts";

const MINUTES: Record<string, number> = { m: 1, h: UNIT.secondsPerMinute, d: UNIT.secondsPerDay / UNIT.secondsPerMinute };

/** "10m", "1h", "3d" -> minutes. */
export function minutes(duration: string): number {
  const match = duration.match(/^(\d+)([mhd])$/);
  const unit = match ? MINUTES[match[2] ?? ""] : undefined;
  if (!match || unit === undefined) throw new Error(`unsupported duration "${duration}" (use <n>m, <n>h or <n>d)`);
  return Number(match[1]) * unit;
}

export const asDuration = (mins: number): string => `${mins}m`;
