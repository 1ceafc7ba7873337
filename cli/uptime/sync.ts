import { EXIT, worstStatus, type ExitCode, type Status } from "../exit-codes.ts";
import { applyMonitor, planMonitor } from "./betterstack-monitor.ts";
import { applyHealthCheck, planHealthCheck } from "./cloudflare-health-check.ts";
import type { ProbePlan } from "./plan.ts";
import type { BetterStackTarget, CloudflareTarget } from "./targets.ts";

export interface UptimeTargets {
  cloudflare?: CloudflareTarget;
  betterStack?: BetterStackTarget;
}

/** Plans both probes and, unless dry, applies what differs. Cloudflare first: its failure leaves Better Stack untouched. */
export async function syncUptime(health: URL, targets: UptimeTargets, dryRun: boolean): Promise<ProbePlan[]> {
  const plans: ProbePlan[] = [];
  if (targets.cloudflare) {
    const { plan, wanted } = await planHealthCheck(targets.cloudflare, health);
    if (!dryRun) plan.id = await applyHealthCheck(targets.cloudflare, plan, wanted);
    plans.push(plan);
  }
  if (targets.betterStack) {
    const { plan, wanted } = await planMonitor(targets.betterStack, health);
    if (!dryRun) plan.id = await applyMonitor(targets.betterStack, plan, wanted);
    plans.push(plan);
  }
  return plans;
}

const VERB = { create: ["would create", "created"], update: ["would update", "updated"], unchanged: ["unchanged", "unchanged"] } as const;

export function renderSync(health: URL, plans: ProbePlan[], dryRun: boolean): string {
  const lines = [`${dryRun ? "dry run: nothing changed. " : ""}probes of ${health.href}`];
  for (const p of plans) {
    lines.push(`${p.provider} "${p.name}": ${VERB[p.action][dryRun ? 0 : 1]}${p.id ? ` (id ${p.id})` : ""}`);
    for (const change of p.changes) lines.push(`  ${change}`);
  }
  return `${lines.join("\n")}\n`;
}

/** A probe's verdict in Nagios terms: down is critical, anything not yet or not currently checking is a warning. */
export function statusOf(plan: ProbePlan): Status {
  if (plan.action === "create") return "warning";
  const s = plan.status ?? "unknown";
  if (s === "healthy" || s === "up") return "ok";
  if (s === "unhealthy" || s === "down") return "critical";
  return "warning";
}

/** One Nagios status line (`UPTIME OK - ...`) and the exit code, for on-call, cron and the capacity report. */
export function renderStatus(health: URL, plans: ProbePlan[]): { text: string; exitCode: ExitCode } {
  const status = worstStatus(plans.map(statusOf));
  const parts = plans.map((p) =>
    p.action === "create" ? `${p.provider} missing (run moltsecret uptime sync)` : `${p.provider} ${p.status ?? "unknown"}${p.changes.length ? " (settings drifted: run moltsecret uptime sync)" : ""}`,
  );
  return { text: `UPTIME ${status.toUpperCase()} - ${health.href}: ${parts.join("; ")}\n`, exitCode: EXIT[status] };
}
