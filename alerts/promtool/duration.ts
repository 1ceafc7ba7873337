import { UNIT } from "../../catalog/index.ts";

const MINUTES: Record<string, number> = { m: 1, h: UNIT.secondsPerMinute, d: UNIT.secondsPerDay / UNIT.secondsPerMinute };

/** "10m", "1h", "3d" -> minutes. */
export function minutes(duration: string): number {
  const match = duration.match(/^(?<count>\d+)(?<unit>[mhd])$/);
  const unit = MINUTES[match?.groups?.unit ?? ""];
  if (!match || unit === undefined) throw new Error(`unsupported duration "${duration}" (use <n>m, <n>h or <n>d)`);
  return Number(match.groups?.count) * unit;
}

export const asDuration = (mins: number): string => `${mins}m`;
