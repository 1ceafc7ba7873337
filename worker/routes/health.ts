import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { errorResponse } from "../http/errors.ts";
import { rateLimit } from "../rate-limit/rate-limit.ts";

export const healthRoutes = new Hono<AppEnv>().get("/healthz", rateLimit("health"), async (c) => {
  try {
    await c.var.store.ping();
  } catch (err) {
    console.error(JSON.stringify({ event: "healthz.db_unavailable", error: (err as Error).name, requestId: c.var.requestId }));
    return errorResponse(c, "service_unavailable", "The database is not answering");
  }
  return c.json({ status: "ok" }, 200, { "Cache-Control": "no-store" });
});
