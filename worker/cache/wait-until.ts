import type { Context } from "hono";

/** ctx.waitUntil of the request, or undefined where there is none (app.request() in tests without a context). */
export function waitUntilOf(c: Context): ((promise: Promise<unknown>) => void) | undefined {
  try {
    const ctx = c.executionCtx;
    return (promise) => ctx.waitUntil(promise);
  } catch {
    return undefined;
  }
}
