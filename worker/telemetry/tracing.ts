import { instrument, type ResolveConfigFn } from "@microlabs/otel-cf-workers";
import { TELEMETRY } from "../../catalog/index.ts";
import { parseTelemetryConfig, type TelemetryEnv } from "./config.ts";
import { getPipeline } from "./registry.ts";
import { redactSpans } from "./span-redaction.ts";
import { BufferedTraceSpanProcessor, keepTrace } from "./trace-processor.ts";

type SpanProcessors = Extract<ReturnType<ResolveConfigFn>, { spanProcessors: unknown }>["spanProcessors"];

/** One per isolate: otel-cf-workers registers its span processors once, on the first instrumented request. */
export const traceProcessor = new BufferedTraceSpanProcessor();

const traceConfig: ResolveConfigFn<TelemetryEnv> = (env) => {
  const config = parseTelemetryConfig(env);
  return {
    service: { name: config?.serviceName ?? TELEMETRY.defaultServiceName },
    spanProcessors: traceProcessor as unknown as SpanProcessors,
    sampling: {
      headSampler: { ratio: config?.traceSampleRatio ?? 0, acceptRemote: false },
      tailSampler: (trace) => keepTrace(trace.spans),
    },
    // rc.52 never calls postProcessor; redaction happens in traceProcessor. Kept so a fixed release also redacts.
    postProcessor: redactSpans,
    handlers: { fetch: { acceptTraceContext: false } },
    // Its caches.default wrapper changes Cache API behaviour (an edge-cached 200 outlived the secret's expiry in
    // worker/scheduled/purge.test.ts); cache lookups are counted by recordCacheLookup() instead.
    instrumentation: { instrumentGlobalCache: false, instrumentGlobalFetch: true },
  };
};

/**
 * Wraps the Worker's handlers: with telemetry on, fetch runs under otel-cf-workers (traces) and every
 * handler ends with a chance to flush; with telemetry off (no endpoint) the original handlers run untouched.
 */
// `any`: the handler keeps its own Env/Queue/CfHostMetadata types in the return type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function instrumentWorker<H extends ExportedHandler<any, any, any>>(handler: H): H {
  const traced = instrument(handler, traceConfig as ResolveConfigFn) as H;
  const wrapped: H = { ...handler };
  if (handler.fetch) {
    const plain = handler.fetch.bind(handler);
    wrapped.fetch = (request, env, ctx) => (getPipeline(env)?.config.tracesEnabled ? traced.fetch!(request, env, ctx) : plain(request, env, ctx));
  }
  if (handler.scheduled) {
    const plain = handler.scheduled.bind(handler);
    wrapped.scheduled = async (controller, env, ctx) => {
      // Created before the handler runs, so business counters recorded inside it have a pipeline.
      getPipeline(env);
      try {
        await plain(controller, env, ctx);
      } finally {
        getPipeline(env)?.maybeFlush(ctx);
      }
    };
  }
  return wrapped;
}
