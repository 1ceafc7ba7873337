import { Hono, type MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env.ts";
import { isolateFlags } from "./cache/flags.ts";
import { parseConfig } from "./config.ts";
import { ApiError, errorResponse, handleError } from "./http/errors.ts";
import { requestId } from "./http/request-id.ts";
import { healthRoutes } from "./routes/health.ts";
import { openApiRoutes } from "./openapi/route.ts";
import { secretRoutes } from "./routes/secrets.ts";
import { createStore } from "./store/create-store.ts";

/** Every path the API serves and its methods: any other method on these paths is 405 with Allow. */
export const ROUTES = {
  "/api/secrets": ["POST"],
  "/api/secrets/:id": ["GET", "HEAD", "DELETE"],
  "/api/secrets/:id/reveal": ["POST"],
  "/healthz": ["GET", "HEAD"],
} as const satisfies Record<string, readonly string[]>;

export interface AppOptions {
  /** Middleware run after the request id is set and before the store is created (e.g. telemetry setting c.var.queryObserver). */
  use?: MiddlewareHandler<AppEnv>[];
}

export function createApp(options: AppOptions = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  for (const middleware of options.use ?? []) app.use(middleware);
  app.use(async (c, next) => {
    const config = parseConfig(c.env);
    c.set("config", config);
    c.set("store", createStore(c.env, c.var.queryObserver));
    c.set("flags", await isolateFlags.get(c.env.KV, config.caching.flagsKey, config.caching.flagCacheTtlMs));
    await next();
  });

  app.route("/api/secrets", secretRoutes);
  app.route("/", healthRoutes);
  app.route("/", openApiRoutes);
  for (const [path, methods] of Object.entries(ROUTES)) {
    const allow = methods.join(", ");
    app.all(path, () => {
      throw new ApiError("method_not_allowed", `This path accepts ${allow}`, { Allow: allow });
    });
  }

  app.notFound((c) => errorResponse(c, "not_found", "No such endpoint"));
  app.onError(handleError);
  return app;
}
