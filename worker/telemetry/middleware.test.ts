import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import { createStore } from "../store/create-store.ts";
import type { QueryObserver } from "../store/store.ts";
import type { TelemetryEnv } from "../../otlp/config.ts";
import { telemetryMiddleware } from "./middleware.ts";
import { activePipeline, getPipeline } from "../../otlp/registry.ts";
import { aggregatorStub, exportFleet } from "../../otlp/test/fleet.ts";
import { captured, decodeBody, setReceiverMode } from "../../otlp/test/receiver.ts";
import { telemetryEnv } from "../../otlp/test/telemetry-env.ts";
import { instrumentWorker, traceProcessor } from "./tracing.ts";

const SECRET_ID = "Zq8xK2mPv7LnR4tW9yBc1d";
const CLIENT_IP = "203.0.113.77";
const CLIENT_IP6 = "2001:db8:85a3::8a2e:370:7334";

function makeApp() {
  const app = new Hono<{ Bindings: TelemetryEnv & { KV: KVNamespace; DB: D1Database }; Variables: { queryObserver?: QueryObserver } }>();
  app.use(telemetryMiddleware());
  app.get("/api/secrets/:id", async (c) => {
    await createStore(c.env, c.var.queryObserver).getMetadata(c.req.param("id"), Date.now());
    return c.json({ id: c.req.param("id") });
  });
  app.post("/api/secrets/:id/reveal", async (c) => {
    await c.env.KV.put(`secret:${c.req.param("id")}`, "v");
    return c.json({ ciphertext: "c2VjcmV0IGNpcGhlcnRleHQgYmxvYg==" });
  });
  app.get("/boom/:id", () => {
    throw new Error(`exploded while reading ${SECRET_ID} for ${CLIENT_IP}`);
  });
  app.onError((_e, c) => c.json({ error: "internal" }, 500));
  return app;
}

async function call(handler: ExportedHandler<TelemetryEnv>, e: TelemetryEnv, path: string, init: RequestInit = {}) {
  const ctx = createExecutionContext();
  const headers = new Headers(init.headers);
  headers.set("cf-connecting-ip", CLIENT_IP);
  const req = new Request(`https://api.example.com${path}?token=${SECRET_ID}`, { ...init, headers });
  const res = await handler.fetch!(req as Request<unknown, IncomingRequestCfProperties>, e, ctx);
  await res.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return res;
}

afterEach(() => setReceiverMode("ok"));

/** The console.log lines written while `run` runs. */
async function consoleLinesOf(run: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
  try {
    await run();
  } finally {
    console.log = original;
  }
  return lines;
}

describe("telemetryMiddleware + instrumentWorker", () => {
  it("records route templates, never paths, ids or IPs, in metrics, logs, spans and console lines", async () => {
    const e = { ...env, ...telemetryEnv({ OTEL_SERVICE_NAME: "mw-test-1", LOG_REQUESTS_TO_CONSOLE: "all" }) } as TelemetryEnv;
    const handler = instrumentWorker({ fetch: makeApp().fetch });
    const { next } = await captured();
    const lines = await consoleLinesOf(async () => {
      expect((await call(handler, e, `/api/secrets/${SECRET_ID}`)).status).toBe(200);
      expect((await call(handler, e, `/api/secrets/${SECRET_ID}/reveal`, { method: "POST", headers: { "x-forwarded-for": CLIENT_IP6 } })).status).toBe(200);
      expect((await call(handler, e, `/boom/${SECRET_ID}`)).status).toBe(500);
      expect((await call(handler, e, `/nope/${SECRET_ID}`)).status).toBe(404);
    });
    await getPipeline(e)!.flush();
    // Metrics leave through the fleet aggregator (TELEMETRY_AGGREGATOR is bound): its export is in the scan too.
    await exportFleet(getPipeline(e)!.config);
    const { batches } = await captured(next);
    const signals = new Set(batches.map((b) => b.signal));
    expect(signals).toEqual(new Set(["metrics", "logs", "traces"]));
    const logs = batches.find((b) => b.signal === "logs")!;
    expect(logs.items).toBe(4);
    const everything = [...batches.map(decodeBody), ...lines].join("\n");
    expect(everything).toContain("/api/secrets/:id");
    expect(everything).toContain("/api/secrets/:id/reveal");
    expect(everything).toContain("(unmatched)");
    expect(everything).toContain("D1 secrets.get_metadata"); // the store's D1 spans are in the trace, named by statement
    for (const leak of [SECRET_ID, CLIENT_IP, CLIENT_IP6, "secret:", "c2VjcmV0IGNpcGhlcnRleHQgYmxvYg"]) expect(everything).not.toContain(leak);
    expect(lines.filter((l) => l.includes('"http.route"'))).toHaveLength(4);
    const errorLine = JSON.parse(lines.find((l) => l.includes("/boom/:id"))!);
    expect(errorLine.level).toBe("error");
    expect(errorLine["exception.stacktrace"]).toContain("Error: exploded while reading [redacted] for [redacted]");
    expect(JSON.parse(lines.find((l) => l.includes("(unmatched)"))!).level).toBe("warn");
    expect(traceProcessor.openTraces).toBe(0);
  });

  it("by default writes a console line only for server errors, while every request still leaves as an OTLP log record", async () => {
    const e = { ...env, ...telemetryEnv({ OTEL_SERVICE_NAME: "mw-test-console" }) } as TelemetryEnv;
    const handler = instrumentWorker({ fetch: makeApp().fetch });
    const { next } = await captured();
    const lines = await consoleLinesOf(async () => {
      expect((await call(handler, e, `/api/secrets/${SECRET_ID}`)).status).toBe(200);
      expect((await call(handler, e, `/nope/${SECRET_ID}`)).status).toBe(404);
      expect((await call(handler, e, `/boom/${SECRET_ID}`)).status).toBe(500);
    });
    const requestLines = lines.filter((l) => l.includes('"http.route"'));
    expect(requestLines).toHaveLength(1);
    expect(JSON.parse(requestLines[0]!)["http.response.status_code"]).toBe(500);
    await getPipeline(e)!.flush();
    const logs = (await captured(next)).batches.filter((b) => b.signal === "logs" && decodeBody(b).includes("mw-test-console"));
    expect(logs.reduce((n, b) => n + b.items, 0)).toBe(3);
  });

  it("hands the app the very env it was given, traced or not: otel-cf-workers never proxies the bindings", async () => {
    const seen: unknown[] = [];
    const handler = instrumentWorker({
      fetch: (_req: Request, envSeen: unknown) => {
        seen.push(envSeen);
        return new Response("ok");
      },
    });
    const on = { ...env, ...telemetryEnv({ OTEL_SERVICE_NAME: "mw-test-env" }) } as TelemetryEnv;
    const off = { ...env } as TelemetryEnv;
    expect((await call(handler, on, "/healthz")).status).toBe(200);
    expect((await call(handler, off, "/healthz")).status).toBe(200);
    expect(seen[0]).toBe(on);
    expect(seen[1]).toBe(off);
    expect(traceProcessor.openTraces).toBe(0);
  });

  it("with head sampling 0 keeps only failed traces", async () => {
    const e = { ...env, ...telemetryEnv({ OTEL_SERVICE_NAME: "mw-test-2", OTEL_TRACES_SAMPLER_ARG: "0" }) } as TelemetryEnv;
    const handler = instrumentWorker({ fetch: makeApp().fetch });
    const { next } = await captured();
    for (let i = 0; i < 5; i++) await call(handler, e, `/api/secrets/${SECRET_ID}`);
    await call(handler, e, `/boom/${SECRET_ID}`);
    const report = await getPipeline(e)!.flush();
    expect(report.logs?.records).toBe(6);
    const traces = (await captured(next)).batches.filter((b) => b.signal === "traces");
    expect(traces).toHaveLength(1);
    const kept = decodeBody(traces[0]!);
    expect(kept).toContain("GET /boom/:id");
    expect(kept).toContain("exploded while reading [redacted] for [redacted]");
    expect(kept).not.toContain(SECRET_ID);
    expect(kept).not.toContain("GET /api/secrets/:id");
  });

  it("is fully off without an endpoint: the app answers, and no console line, record, hand-off or export is made", async () => {
    const marker = "mw-test-off";
    const e = { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: "", OTEL_SERVICE_NAME: marker, ENVIRONMENT: marker, LOG_REQUESTS_TO_CONSOLE: "all" } as TelemetryEnv;
    const handler = instrumentWorker({ fetch: makeApp().fetch });
    const { next } = await captured();
    const lines = await consoleLinesOf(async () => {
      expect((await call(handler, e, `/api/secrets/${SECRET_ID}`)).status).toBe(200);
      expect((await call(handler, e, `/boom/${SECRET_ID}`)).status).toBe(500);
    });
    // call() waited for each request's waitUntil work: whatever the requests would send has been sent by now.
    expect(lines.filter((l) => l.includes('"http.route"'))).toEqual([]);
    // The cache and business counters record into the active pipeline: the previous test's must not be left there.
    expect(activePipeline()).toBeNull();
    expect(traceProcessor.openTraces).toBe(0);
    expect(JSON.stringify(await aggregatorStub().snapshot())).not.toContain(marker);
    expect((await captured(next)).batches).toEqual([]);
  });
});
