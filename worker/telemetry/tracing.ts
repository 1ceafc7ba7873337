import { instrument, type ResolveConfigFn } from "@microlabs/otel-cf-workers";
import { TELEMETRY } from "../../catalog/index.ts";
import { parseTelemetryConfig, type TelemetryEnv } from "../../otlp/config.ts";
import { getPipeline } from "../../otlp/registry.ts";
import { redactSpans } from "./span-redaction.ts";
import { BufferedTraceSpanProcessor, keepTrace } from "./trace-processor.ts";

type SpanProcessors = Extract<ReturnType<ResolveConfigFn>, { spanProcessors: unknown }>["spanProcessors"];

/** One per isolate: otel-cf-workers registers its span processors once, on the first instrumented request. */
export const traceProcessor = new BufferedTraceSpanProcessor();

const traceConfig: ResolveConfigFn<TelemetryEnv> = (env) => {
  const config = parseTelemetryConfig(telemetryEnvOf(env));
  return {
    service: { name: config?.serviceName ?? TELEMETRY.defaultServiceName },
    spanProcessors: traceProcessor as unknown as SpanProcessors,
    // instrumentWorker already made the head-sampling decision: only sampled requests get here.
    sampling: {
      headSampler: { ratio: 1, acceptRemote: false },
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

/** The real env of a traced request: otel-cf-workers only ever sees an env with no enumerable bindings (see below). */
const realEnvOf = new WeakMap<Request, unknown>();

/** Head-sampled requests this isolate is serving now: while there are none, no span can be active. */
let tracedInFlight = 0;

/**
 * Whether a span may be active: false for every request head sampling skipped (unless a sampled one runs
 * concurrently), so the middleware and the query observer skip the context lookup (AsyncLocalStorage, through
 * otel-cf-workers' context manager) that showed in the bench profile on every request.
 */
export const mayHaveActiveSpan = (): boolean => tracedInFlight > 0;

/**
 * Wraps the Worker's handlers: head-sampled requests run under otel-cf-workers, every handler ends with a chance to
 * flush; with traces off (no endpoint, or OTEL_TRACES_EXPORTER=none) or not sampled, the original handler runs untouched.
 *
 * otel-cf-workers is given an env with no enumerable properties, never the real one. Per request it walks the env
 * (versionAttributes) and proxies every binding access through isJSRPC(), which reads a property named
 * "__some_property_that_will_never_exist" + Math.random(): measured through wrangler dev's inspector, every such
 * name stays on the isolate's heap until the isolate dies (live heap after full GCs: 25.8, 48.0, 66.1 MiB at 10k,
 * 20k, 30k requests; 1.3 million retained strings).
 * Our handler gets the real env back from realEnvOf; D1 statements get their spans from the store's observer
 * (worker/telemetry/query-observer.ts) instead of the library's binding proxies.
 */
// `any`: the handler keeps its own Env/Queue/CfHostMetadata types in the return type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function instrumentWorker<H extends ExportedHandler<any, any, any>>(handler: H): H {
  const wrapped: H = { ...handler };
  if (handler.fetch) {
    const plain = handler.fetch.bind(handler);
    // instrument() replaces the methods of the object it is given: give it its own, so `plain` stays plain.
    const traced = instrument(
      { fetch: (request: Request, _envWithoutBindings: unknown, ctx: ExecutionContext) => plain(request as never, realEnvOf.get(request), ctx) },
      traceConfig as ResolveConfigFn,
    );
    wrapped.fetch = (request, env, ctx) => {
      const config = getPipeline(env)?.config;
      // Head sampling before the library: skipped requests cost no spans at all. A skipped request that fails is
      // still kept, as one server span built by the telemetry middleware (keepFailedRequest).
      if (!config?.tracesEnabled || Math.random() >= config.traceSampleRatio) return plain(request, env, ctx);
      realEnvOf.set(request, env);
      tracedInFlight++;
      const done = () => void tracedInFlight--;
      try {
        const response = traced.fetch!(request, envWithoutBindings(env), ctx);
        void Promise.resolve(response).then(done, done);
        return response;
      } catch (error) {
        done();
        throw error;
      }
    };
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

const REAL_ENV = Symbol("env");

/** Nothing for Object.entries to walk; traceConfig reads the telemetry vars through the symbol. */
function envWithoutBindings(env: TelemetryEnv): TelemetryEnv {
  return Object.defineProperty({}, REAL_ENV, { value: env, enumerable: false }) as TelemetryEnv;
}

const telemetryEnvOf = (env: TelemetryEnv): TelemetryEnv => ((env as Record<symbol, unknown>)[REAL_ENV] as TelemetryEnv | undefined) ?? env;
