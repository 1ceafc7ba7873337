// 2. Where telemetry's CPU goes, per route: V8's sampling profiler in the Worker's own workerd (inspector on,
//    for this comparison only), each sample charged through the bundle's source map to a part of telemetry.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ENDPOINTS, createSecret, requestFor, type Endpoint } from "../lib/api.ts";
import { CATEGORIES, attribute, profileWorker, type Category } from "../lib/cpu-profile.ts";
import { num, table } from "../lib/format.ts";
import { runLoad } from "../lib/load.ts";
import { ROOT } from "../lib/root.ts";
import { startOtlpProxy } from "../lib/otlp-proxy.ts";
import type { BenchContext, Comparison } from "../lib/types.ts";
import { offVariant, onVariant, requireTelemetryWired } from "../lib/variants.ts";
import type { RunningWorker, Variant } from "../lib/variant-worker.ts";
import { startWorkerd } from "../lib/workerd.ts";

const TARGET_METADATA_US = 50;
const PROFILE_DIR = join(ROOT, ".build/bench/profiles");
const CONNECTIONS = 4;
const TELEMETRY_PARTS = CATEGORIES.filter((c) => c !== "the app (routes, stores, Hono, drizzle)" && c !== "V8 runtime and GC");

interface RouteProfile {
  endpoint: Endpoint;
  requests: number;
  totals: Map<Category, number>;
  frames: Map<string, number>;
}

/** Both variants side by side, profiled route by route in turn (on, off, on, off...), so machine drift hits both alike. */
async function profileVariants(ctx: BenchContext, variants: Variant[], bundle: string, requests: number): Promise<Map<string, RouteProfile[]>> {
  mkdirSync(PROFILE_DIR, { recursive: true });
  const workers: RunningWorker[] = [];
  try {
    for (const v of variants) workers.push(await startWorkerd(v, { cpus: ctx.cpus?.worker, inspector: true }));
    const secrets = await Promise.all(workers.map((w) => createSecret(w.url, null)));
    const out = new Map<string, RouteProfile[]>(variants.map((v) => [v.name, []]));
    for (const endpoint of ENDPOINTS) {
      for (const [i, worker] of workers.entries()) {
        const spec = { url: worker.url, connections: CONNECTIONS, requests: [requestFor(endpoint, secrets[i]!)] };
        await runLoad({ ...spec, amount: Math.ceil(requests / 5) }, ctx.cpus?.load);
        let ok = 0;
        const profile = await profileWorker(worker.inspectorPort, async () => {
          ok = (await runLoad({ ...spec, amount: requests }, ctx.cpus?.load)).ok;
        });
        // Kept for a closer look (Chrome DevTools > Performance opens .cpuprofile files).
        writeFileSync(join(PROFILE_DIR, `${worker.variant.name}-${endpoint}.cpuprofile`), JSON.stringify(profile));
        out.get(worker.variant.name)!.push({ endpoint, requests: ok, ...attribute(profile, bundle) });
        ctx.log(`profiled ${worker.variant.name} ${endpoint}: ${ok} requests`);
      }
    }
    return out;
  } finally {
    for (const w of workers) await w.stop();
  }
}

const TOP_FRAMES = 12;

/** The largest telemetry frames of one route's profile, flush excluded (it is not on the request path). */
function topFrames(p: RouteProfile): [string, string, number][] {
  const request = new Set<string>(TELEMETRY_PARTS.filter((c) => c !== "flush and OTLP export"));
  return [...p.frames]
    .map(([key, us]) => [...key.split("\u0000"), us / Math.max(1, p.requests)] as [string, string, number])
    .filter(([part]) => request.has(part))
    .sort((a, b) => b[2] - a[2])
    .slice(0, TOP_FRAMES);
}

export const profile: Comparison = {
  id: "profile",
  title: "Telemetry's CPU per request, by part and route (CPU profile)",
  async run(ctx: BenchContext) {
    requireTelemetryWired();
    const api = await ctx.build("api");
    const proxy = await startOtlpProxy();
    const requests = ctx.quick ? 1500 : 4000;
    try {
      // A 1 s export interval so flushes happen inside the profile; their share is then scaled to the default interval below.
      const profiles = await profileVariants(ctx, [{ ...onVariant(api, proxy.base, { OTEL_METRIC_EXPORT_INTERVAL: "1000" }), name: "on" }, offVariant(api)], api.bundle, requests);
      const on = profiles.get("on")!;
      const off = profiles.get("off")!;
      const perReq = (p: RouteProfile, c: Category) => p.totals.get(c)! / Math.max(1, p.requests);
      const all = (p: RouteProfile) => CATEGORIES.reduce((a, c) => a + perReq(p, c), 0);
      const telemetry = (p: RouteProfile, withFlush: boolean) =>
        TELEMETRY_PARTS.filter((c) => withFlush || c !== "flush and OTLP export").reduce((a, c) => a + perReq(p, c), 0);
      const rows = CATEGORIES.map((c) => [c, ...on.map((p) => num(perReq(p, c)))]);
      rows.push(["**telemetry, request path (sum of the parts above the app, without the flush)**", ...on.map((p) => `**${num(telemetry(p, false))}**`)]);
      rows.push(["total CPU per request, telemetry on", ...on.map((p) => num(all(p)))]);
      rows.push(["total CPU per request, telemetry off (same bundle)", ...off.map((p) => num(all(p)))]);
      const metadata = on.find((p) => p.endpoint === "metadata")!;
      const measured = telemetry(metadata, false);
      const body = [
        `The API bundle in one workerd (bench/lib/workerd.ts) with its inspector on, telemetry on (default trace sampling, metrics`,
        `exported every 1 s to a counting receiver so flushes fall inside the profile) and off, both running, profiled route by route in turn (on, off). Per route: ${num(requests / 5)} warm-up`,
        `requests, then ${num(requests)} profiled ones from ${CONNECTIONS} connections; V8 samples every 100 µs. Each sample is charged`,
        `to the innermost frame whose original source (through the bundle's source map) has a category: the OTel API and metrics SDK,`,
        `builtins and natives pass the sample to their caller, so a histogram record is charged to the telemetry file that made it.`,
        `The profiler itself slows everything down a little; the figures are for comparing parts, the overhead comparison above is`,
        `the throughput truth.`,
        "",
        "### CPU µs per request (telemetry on)",
        "",
        table(["part", ...on.map((p) => p.endpoint)], rows),
        "",
        `### The telemetry frames behind those parts (µs per request, the ${TOP_FRAMES} largest per route)`,
        "",
        "The frame is the innermost one of ours (or of otel-cf-workers) that decided the sample's part; library and native frames",
        "under it are included in its figure.",
        "",
        ...on.map((p) => table([`${p.endpoint}: part`, "frame", "µs/req"], topFrames(p).map(([part, frame, us]) => [part, `\`${frame}\``, num(us)]))).flatMap((t) => [t, ""]),
        `The flush row is at a 1 s interval; at the catalog's default interval it is paid once per interval per isolate, so per`,
        `request it shrinks by the requests an isolate serves per interval, except the log records' serialization, which is per`,
        `record whatever the interval. The region label's row is workerd's, not ours: the first read of \`request.cf\` makes workerd`,
        `parse the request's cf JSON and deep-freeze the object (CfProperty::getRef), and the app without telemetry never reads it.`,
        `It stays while the duration histogram is labelled by the client's region; labelling by the isolate's data center (one`,
        `read per isolate: an isolate serves from one location) or reading Cloudflare's visitor-location headers would remove it.`,
      ].join("\n");
      const targets = [
        { name: "telemetry CPU per metadata request (request path)", target: `<= ${TARGET_METADATA_US} µs`, measured: `${num(measured)} µs`, pass: measured <= TARGET_METADATA_US },
      ];
      const headlines = [`Telemetry CPU per request on the request path, CPU profile in one workerd (create / metadata / reveal): ${on.map((p) => `${num(telemetry(p, false))} µs`).join(" / ")} (target <= ${TARGET_METADATA_US} µs on metadata).`];
      return { body, targets, headlines };
    } finally {
      await proxy.close();
    }
  },
};
