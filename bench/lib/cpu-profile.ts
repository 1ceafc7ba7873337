// A CPU profile of the Worker through workerd's inspector (V8's sampling profiler), attributed to the parts of
// telemetry by the bundle's source map: each sample goes to the innermost frame whose source has a category.
import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { dirname, relative, resolve } from "node:path";
import { ROOT } from "./root.ts";
import WebSocket from "ws";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** What a sample's CPU is charged to; `null` passes the sample to the caller's frame (libraries, builtins). */
export const CATEGORIES = [
  "metric records (duration histogram, counters)",
  "log record and console line",
  "unique-users hashing",
  "region label (request.cf, parsed by workerd)",
  "traces (otel-cf-workers, span processor)",
  "query observer",
  "flush and OTLP export",
  "telemetry middleware (other)",
  "the app (routes, stores, Hono, drizzle)",
  "V8 runtime and GC",
] as const;
export type Category = (typeof CATEGORIES)[number];

/** Matched against "original source#function name" of a frame. */
const RULES: readonly [RegExp, Category | null][] = [
  // The UniqueUsers object merges the flush's register updates (locally in the Worker's own isolate): flush work.
  [/worker\/telemetry\/unique-users\/(unique-users-object\.ts|unique-users-client\.ts#flushPendingUpdates)/, "flush and OTLP export"],
  [/worker\/telemetry\/unique-users\//, "unique-users hashing"],
  [/worker\/telemetry\/region\.ts/, "region label (request.cf, parsed by workerd)"],
  [/(worker\/telemetry\/request-record\.ts#(consoleLine|requestLogEntry|errorAttributes|severityOf)|otlp\/log-record\.ts)/, "log record and console line"],
  [/otlp\/instruments\.ts#collect$/, "flush and OTLP export"],
  [/(worker\/telemetry\/(request-record|business)|otlp\/instruments?)\.ts/, "metric records (duration histogram, counters)"],
  [/worker\/telemetry\/query-observer\.ts/, "query observer"],
  [/otlp\/|@opentelemetry\/otlp-transformer|@opentelemetry\/resources/, "flush and OTLP export"],
  [/worker\/telemetry\/(tracing|trace-processor|span-redaction|error-span|redact)\.ts|@microlabs\/otel-cf-workers|@opentelemetry\/sdk-trace/, "traces (otel-cf-workers, span processor)"],
  [/worker\/telemetry\/middleware\.ts/, "telemetry middleware (other)"],
  // The OTel API and metrics SDK do the work of whoever called them.
  [/@opentelemetry\//, null],
  [/worker\/|node_modules\/(hono|drizzle-orm)\//, "the app (routes, stores, Hono, drizzle)"],
];

const classify = (source: string | undefined, functionName: string): Category | null => {
  if (!source) return null;
  const key = `${source}#${functionName}`;
  for (const [re, category] of RULES) if (re.test(key)) return category;
  return null;
};

/**
 * workerd's console.log is a native without a name or script: charged to the console line when the middleware calls
 * it directly (checked once by removing that line from a build: the anonymous native under the middleware went with it).
 */
const CONSOLE_CALLERS = /(worker\/telemetry\/(middleware|request-record)|otlp\/log-record)\.ts/;

/** Records a profile of whatever `load` makes the Worker do. */
export async function profileWorker(inspectorPort: number, load: () => Promise<void>, samplingIntervalUs = 100): Promise<Profile> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as { id: string; webSocketDebuggerUrl: string }[];
  const target = targets.find((t) => t.id.startsWith("core:user:"));
  if (!target) throw new Error(`no user worker among the inspector's targets: ${targets.map((t) => t.id).join(", ")}`);
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  let nextId = 1;
  const pending = new Map<number, (result: unknown) => void>();
  ws.on("message", (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: unknown };
    if (message.id) pending.get(message.id)?.(message.result);
  });
  const send = <T>(method: string, params: object = {}) =>
    new Promise<T>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve as (r: unknown) => void);
      ws.send(JSON.stringify({ id, method, params }));
    });
  try {
    await send("Profiler.enable");
    await send("Profiler.setSamplingInterval", { interval: samplingIntervalUs });
    await send("Profiler.start");
    await load();
    const { profile } = await send<{ profile: Profile }>("Profiler.stop");
    return profile;
  } finally {
    ws.close();
  }
}

export interface Attribution {
  /** Microseconds of CPU per category over the whole profile (idle excluded). */
  totals: Map<Category, number>;
  /** Microseconds per "category\u0000source#function" of the frame that decided the category. */
  frames: Map<string, number>;
}

/** Charges every sample to a category through the bundle's source map. */
export function attribute(profile: Profile, bundle: string): Attribution {
  const map = new SourceMap(JSON.parse(readFileSync(`${bundle}.map`, "utf8")));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const sourceOf = (f: CallFrame): string | undefined =>
    f.url ? (map.findEntry(f.lineNumber, f.columnNumber) as { originalSource?: string }).originalSource : undefined;
  const own = new Map<number, Category | null | "idle">();
  for (const n of profile.nodes) {
    const f = n.callFrame;
    if (f.functionName === "(idle)") own.set(n.id, "idle");
    else if (f.functionName === "(garbage collector)" || f.functionName === "(program)") own.set(n.id, "V8 runtime and GC");
    else if (!f.url) {
      const caller = parent.get(n.id);
      const callerSource = caller === undefined ? undefined : sourceOf(byId.get(caller)!.callFrame);
      own.set(n.id, !f.functionName && callerSource && CONSOLE_CALLERS.test(callerSource) ? "log record and console line" : null);
    } else own.set(n.id, classify(sourceOf(f), f.functionName));
  }
  const APP: Category = "the app (routes, stores, Hono, drizzle)";
  const resolved = new Map<number, { category: Category | "idle"; frame: string }>();
  const label = (id: number): string => {
    const f = byId.get(id)!.callFrame;
    const original = sourceOf(f);
    // Sources are relative to the bundle; show ours from the repository root and libraries from node_modules/.
    const source = original && (original.includes("node_modules/") ? original.slice(original.lastIndexOf("node_modules/")) : relative(ROOT, resolve(dirname(bundle), original)));
    return `${source ?? "(native)"}#${f.functionName || "(anonymous)"}`;
  };
  const categoryOf = (id: number): { category: Category | "idle"; frame: string } => {
    const cached = resolved.get(id);
    if (cached) return cached;
    let cursor: number | undefined = id;
    let found: { category: Category | "idle"; frame: string } = { category: APP, frame: "(uncategorised)" };
    while (cursor !== undefined) {
      const c = own.get(cursor);
      if (c) {
        found = { category: c, frame: label(cursor) };
        break;
      }
      cursor = parent.get(cursor);
    }
    resolved.set(id, found);
    return found;
  };
  const totals = new Map<Category, number>(CATEGORIES.map((c) => [c, 0]));
  const frames = new Map<string, number>();
  profile.samples.forEach((nodeId, i) => {
    if (!byId.has(nodeId)) return;
    const { category, frame } = categoryOf(nodeId);
    if (category === "idle") return;
    const us = profile.timeDeltas[i] ?? 0;
    totals.set(category, totals.get(category)! + us);
    const key = `${category}\u0000${frame}`;
    frames.set(key, (frames.get(key) ?? 0) + us);
  });
  return { totals, frames };
}
