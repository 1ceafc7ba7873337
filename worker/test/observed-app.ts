import { env } from "cloudflare:workers";
import { createApp } from "../app.ts";
import type { QueryInfo } from "../store/store.ts";

/** The real app with a QueryObserver on its store: every D1 round trip of every request lands in `queries`. */
export function observedApp() {
  const queries: QueryInfo[] = [];
  const app = createApp({
    use: [
      async (c, next) => {
        c.set("queryObserver", (info) => queries.push(info));
        await next();
      },
    ],
  });
  const reads = () => queries.filter((q) => q.operation === "read");
  const rowsRead = () => reads().reduce((n, q) => n + (q.rowsRead ?? 0), 0);
  return { app, queries, reads, rowsRead };
}

/** Env whose flags live under a KV key of their own, so a test's flags never reach another test. */
export async function envWithFlags(flags: Record<string, unknown>, vars: Record<string, string> = {}): Promise<Env> {
  const key = `flags-test-${crypto.randomUUID()}`;
  await env.KV.put(key, JSON.stringify(flags));
  return { ...env, FLAGS_KV_KEY: key, ...vars };
}
