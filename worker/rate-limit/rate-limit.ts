import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.ts";
import { ApiError } from "../http/errors.ts";
import { sha256Hex } from "../http/tokens.ts";
import { recordRateLimited } from "../telemetry/business.ts";
import type { RateLimitAction, RateLimitDecision } from "./rate-limiter.ts";

/** Requests without CF-Connecting-IP (only possible off Cloudflare's edge, e.g. locally) share one bucket. */
export const UNKNOWN_CLIENT = "unknown";

/** The Durable Object name for a client: a hash, so no IP is ever a name, stored, or logged. */
export const limiterName = (ip: string) => sha256Hex(`moltsecret.rate-limit:${ip}`);

/**
 * Per-client-IP fixed-window limit on one action, one Durable Object round trip per limited request.
 * Fails open: if the limiter itself is unavailable the request goes through (and the failure is logged).
 */
export function rateLimit(action: RateLimitAction): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { windowMs, [action]: limit } = c.var.config.rateLimits;
    if (limit === 0) return next();
    const ip = c.req.header("CF-Connecting-IP") || UNKNOWN_CLIENT;
    let decision: RateLimitDecision;
    try {
      const stub = c.env.RATE_LIMITER.get(c.env.RATE_LIMITER.idFromName(await limiterName(ip)));
      decision = await stub.hit(action, limit, windowMs);
    } catch (err) {
      console.error(JSON.stringify({ event: "rate_limit.unavailable", action, error: (err as Error).name, requestId: c.var.requestId }));
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
