/** Nagios plugin convention, so cron jobs and monitoring wrappers understand the CLI. */
export const EXIT = {
  ok: 0,
  warning: 1,
  critical: 2,
  unknown: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
export type Status = "ok" | "warning" | "critical";
export type TriggerStatus = Status | "unknown";

const RANK: Record<TriggerStatus, number> = { unknown: -1, ok: 0, warning: 1, critical: 2 };

/** The worst of the measured statuses; unmeasured ones never raise or lower it. */
export function worstStatus(statuses: readonly TriggerStatus[]): Status {
  let worst: Status = "ok";
  for (const s of statuses) if (s !== "unknown" && RANK[s] > RANK[worst]) worst = s;
  return worst;
}

export const exitCodeFor = (status: TriggerStatus): ExitCode => EXIT[status];
