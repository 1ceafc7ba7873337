import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import { ApiError } from "../http/errors.ts";
import { recordRateLimited } from "../telemetry/business.ts";
import { isOverloaded } from "./rate-limit.ts";
import type { BudgetCost } from "./rate-limiter.ts";

/** The one RateLimiter object that holds the fleet-wide create budget; the name holds nothing about any client. */
export const FLEET_LIMITER_NAME = "moltsecret.fleet-create-budget";

export const FLEET_BUDGETS = { creates: "fleet.creates", bytes: "fleet.bytes" } as const;

/**
 * Takes one create and `bytes` of ciphertext from the fleet-wide budget of the current window, or refuses with 429 and
 * Retry-After (the seconds to the window's end). Whatever number of networks send, D1 grows at most this fast. The
 * budget fails closed: if its object is overloaded or unreachable the create is refused with 503 and Retry-After.
 */
export async function reserveFleetCreate(c: Context<AppEnv>, bytes: number): Promise<void> {
  const { creates, bytes: byteLimit } = c.var.config.fleetCreates;
  const costs: BudgetCost[] = [];
  if (creates > 0) costs.push({ budget: FLEET_BUDGETS.creates, cost: 1, limit: creates });
  if (byteLimit > 0) costs.push({ budget: FLEET_BUDGETS.bytes, cost: bytes, limit: byteLimit });
  if (costs.length === 0) return;
  const { windowMs, unavailableRetryAfterSeconds } = c.var.config.rateLimits;
  let decision;
  try {
    const ns = c.env.RATE_LIMITER;
    decision = await ns.get(ns.idFromName(FLEET_LIMITER_NAME)).reserve(costs, windowMs);
  } catch (err) {
    console.error(JSON.stringify({ event: "fleet_budget.unavailable", overloaded: isOverloaded(err), error: (err as Error).name, requestId: c.var.requestId }));
    throw new ApiError("service_unavailable", `Creating secrets is paused; retry after ${unavailableRetryAfterSeconds} s`, { "Retry-After": String(unavailableRetryAfterSeconds) });
  }
  if (decision.allowed) return;
  const retryAfter = Math.max(1, Math.ceil((decision.resetAt - Date.now()) / 1000));
  recordRateLimited("fleet_create");
  throw new ApiError("rate_limited", `The service takes in a bounded amount of new secrets per minute and that is used up; retry after ${retryAfter} s`, {
    "Retry-After": String(retryAfter),
  });
}
