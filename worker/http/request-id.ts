import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.ts";

export const REQUEST_ID_HEADER = "X-Request-Id";

/**
 * Gives every request a server-generated id, set on `c.var.requestId` and the response's X-Request-Id.
 * A client-sent X-Request-Id is ignored on purpose: the id is written to our logs, and a client could
 * otherwise put anything there (a secret id, a token) and have us log it.
 */
export function requestId(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const id = crypto.randomUUID();
    c.set("requestId", id);
    c.header(REQUEST_ID_HEADER, id);
    await next();
  };
}
