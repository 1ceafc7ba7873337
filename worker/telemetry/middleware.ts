import { trace } from "@opentelemetry/api";
import type { Context, MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { QueryObserver } from "../store/store.ts";
import { telemetryQueryObserver } from "./query-observer.ts";
import { getPipeline } from "../../otlp/registry.ts";
import type { TelemetryEnv } from "../../otlp/config.ts";
import { regionOfRequest } from "./region.ts";
import { keepFailedRequest } from "./error-span.ts";
import { mayHaveActiveSpan } from "./tracing.ts";
import { consoleLine, metricAttributes, metricKey, requestLogEntry, UNMATCHED_ROUTE } from "./request-record.ts";
import { noteUser, type UniqueUsersEnv } from "./unique-users/unique-users-client.ts";
import { warnAtMostOncePerInterval } from "../../otlp/throttled-warning.ts";

const WILDCARDS = new Set(["*", "/*"]);

/** The template of the handler that answered; middleware-only matches (404s) get a fixed label. */
function routeTemplate(c: Context): string {
  try {
    const path = routePath(c);
    return path && !WILDCARDS.has(path) ? path : UNMATCHED_ROUTE;
  } catch {
    return UNMATCHED_ROUTE;
  }
}

/** The app's server-generated id (the one in X-Request-Id and in error lines), so one id finds every record of a request. */
const requestIdOf = (c: Context): string => (c.get("requestId") as string | undefined) ?? crypto.randomUUID();

const executionCtx = (c: Context): ExecutionContext | null => {
  try {
    return c.executionCtx;
  } catch {
    return null;
  }
};

/**
 * Records every request: the duration histogram by method, route template, status, region and
 * read/write; one structured log record (OTLP and console); the client's unique-user register update;
 * and sets `c.var.queryObserver` for the store.
 * Then schedules the isolate's flush if the interval has passed. With telemetry off it only calls next().
 */
export function telemetryMiddleware<H extends { Bindings: TelemetryEnv & UniqueUsersEnv } = { Bindings: TelemetryEnv & UniqueUsersEnv }>(): MiddlewareHandler<H> {
  return async (c, next) => {
    const pipeline = getPipeline(c.env);
    if (!pipeline) return next();
    // The app's store middleware passes c.var.queryObserver to createStore(): D1 metrics for every query.
    (c.set as (key: "queryObserver", value: QueryObserver | undefined) => void)("queryObserver", telemetryQueryObserver(c.env));
    const start = Date.now();
    try {
      await next();
    } finally {
      try {
        const route = routeTemplate(c);
        const span = mayHaveActiveSpan() ? trace.getActiveSpan() : undefined;
        if (span) {
          span.setAttribute("http.route", route);
          span.updateName(`${c.req.method.toUpperCase()} ${route}`);
        }
        const facts = {
          method: c.req.method,
          route,
          status: c.res.status,
          durationMs: Date.now() - start,
          region: regionOfRequest(c.req.raw),
          requestId: requestIdOf(c),
          error: c.error,
          timeMs: start,
        };
        // Client errors (4xx, thrown as ApiError) are expected answers, not failures worth a trace.
        const ids = span
          ? { traceId: span.spanContext().traceId, spanId: span.spanContext().spanId }
          : facts.status >= 500 && pipeline.config.tracesEnabled
            ? keepFailedRequest(pipeline, facts)
            : {};
        pipeline.instruments.httpServerDuration.bind(metricKey(facts), () => metricAttributes(facts)).record(facts.durationMs / 1000);
        const entry = requestLogEntry({ ...facts, ...ids });
        pipeline.pushLog(entry);
        // Every record leaves over OTLP; the console (Workers Logs) gets the failures, so they survive an OTLP outage.
        if (facts.status >= pipeline.config.consoleMinStatus) console.log(consoleLine(entry));
        const ctx = executionCtx(c);
        if (ctx) {
          const fetchingSalt = noteUser(pipeline, c.env.UNIQUE_USERS, c.req.raw.headers.get("cf-connecting-ip"));
          if (fetchingSalt) ctx.waitUntil(fetchingSalt);
          pipeline.maybeFlush(ctx);
        }
      } catch (error) {
        warnAtMostOncePerInterval("middleware", `telemetry middleware failed: ${error instanceof Error ? error.name : "Error"}`);
      }
    }
  };
}
