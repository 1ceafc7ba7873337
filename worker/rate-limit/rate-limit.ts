import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.ts";
import { ApiError } from "../http/errors.ts";
import { sha256Hex } from "../http/tokens.ts";
import { recordRateLimited } from "../telemetry/business.ts";
import { clientNetwork } from "./client-network.ts";
import type { RateLimitAction, RateLimitDecision } from "./rate-limiter.ts";

export { UNKNOWN_CLIENT } from "./client-network.ts";

/** The Durable Object name for a client network: a hash, so no IP or prefix is ever a name, stored, or logged. */
export const limiterName = (network: string) => sha256Hex(`moltsecret.rate-limit:${network}`);

/**
 * Where the limiter failing (not overloaded: unreachable, reset, broken) lets the request through. Creates fail
 * closed: they are what fills D1. The others fail open: they store nothing, address a 128-bit id the client already
 * has (nothing to enumerate), and cost at most one D1 read or one single-row write each.
 */
export const FAILS_OPEN: Readonly<Record<RateLimitAction, boolean>> = { create: false, reveal: true, read: true, delete: true, health: true };

/** workerd marks an object that has too many requests queued with `overloaded` (and `retryable`) on the error. */
export const isOverloaded = (err: unknown) => typeof err === "object" && err !== null && (err as { overloaded?: unknown }).overloaded === true;

/** The client network's limiter stub, by its hashed name. */
async function limiterOf(c: Context<AppEnv>): Promise<DurableObjectStub<import("./rate-limiter.ts").RateLimiter>> {
  const network = clientNetwork(c.req.header("CF-Connecting-IP"), c.var.config.rateLimits.ipv6PrefixBits);
  return c.env.RATE_LIMITER.get(c.env.RATE_LIMITER.idFromName(await limiterName(network)));
}

/**
 * Per-client-network fixed-window limit on one action, one Durable Object round trip per limited request. An
 * overloaded limiter (the network flooding its own object) always refuses with 429; other limiter failures refuse
 * with 503 where FAILS_OPEN says so, and let the request through elsewhere. Both carry Retry-After and are logged.
 */
export function rateLimit(action: RateLimitAction): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { windowMs, unavailableRetryAfterSeconds, [action]: limit } = c.var.config.rateLimits;
    if (limit === 0) return next();
    let decision: RateLimitDecision;
    try {
      decision = await (await limiterOf(c)).hit(action, limit, windowMs);
    } catch (err) {
      const overloaded = isOverloaded(err);
      console.error(JSON.stringify({ event: "rate_limit.unavailable", action, overloaded, error: (err as Error).name, requestId: c.var.requestId }));
      const retryAfter = { "Retry-After": String(unavailableRetryAfterSeconds) };
      if (overloaded) {
        recordRateLimited(action);
        throw new ApiError("rate_limited", `Too many ${action} requests; retry after ${unavailableRetryAfterSeconds} s`, retryAfter);
      }
      if (!FAILS_OPEN[action]) throw new ApiError("service_unavailable", `The rate limiter is not answering; retry after ${unavailableRetryAfterSeconds} s`, retryAfter);
      return next();
    }
    const resetSeconds = Math.max(1, Math.ceil((decision.resetAt - Date.now()) / 1000));
    const headers = {
      "RateLimit-Limit": String(decision.limit),
      "RateLimit-Remaining": String(decision.remaining),
      "RateLimit-Reset": String(resetSeconds),
    };
    if (!decision.allowed) {
      recordRateLimited(action);
      throw new ApiError("rate_limited", `Too many ${action} requests; retry after ${resetSeconds} s`, { ...headers, "Retry-After": String(resetSeconds) });
    }
    for (const [name, value] of Object.entries(headers)) c.header(name, value);
    await next();
  };
}
