// Bundle size and startup with and without telemetry: the gzipped bundles the run measures everywhere else
// (`wrangler deploy --dry-run --outdir`), and the time one workerd takes to start each and answer its first request.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import type { Built } from "../lib/build.ts";
import { kib, num, passMark, spread, table } from "../lib/format.ts";
import { rotation } from "../lib/measure.ts";
import { startOtlpProxy } from "../lib/otlp-proxy.ts";
import { pairedRatio, summary } from "../lib/stats.ts";
import { NotMeasurable, type BenchContext, type BuildKind, type Comparison, type TargetCheck } from "../lib/types.ts";
import { offVariant, onVariant, requireTelemetryWired } from "../lib/variants.ts";
import { startWorkerd } from "../lib/workerd.ts";
import type { Variant } from "../lib/variant-worker.ts";

const TARGET_ADDED_GZIP_KIB = 120;
const KINDS: BuildKind[] = ["no-telemetry", "api", "otel-cf-only"];

/** Groups of source paths, most specific first: what the metafile attributes the bundle's bytes to. */
const GROUPS: [string, RegExp][] = [
  ["worker/telemetry + otlp (ours)", /(^|\/)(worker\/telemetry|otlp)\//],
  ["@microlabs/otel-cf-workers", /node_modules\/@microlabs\//],
  ["@opentelemetry/*", /node_modules\/@opentelemetry\//],
  ["protobufjs and other OTel deps", /node_modules\/(protobufjs|@protobufjs|long)\//],
  ["hono", /node_modules\/hono\//],
  ["drizzle-orm", /node_modules\/drizzle-orm\//],
  ["rest of worker/ and catalog/", /(^|\/)(worker|catalog)\//],
  ["bench/variants", /(^|\/)bench\//],
  ["other", /./],
];

function breakdown(built: Built): Map<string, number> {
  const meta = JSON.parse(readFileSync(built.metafile, "utf8")) as { outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }> };
  const output = Object.entries(meta.outputs).find(([k]) => k.endsWith(".js"))?.[1];
  const groups = new Map<string, number>(GROUPS.map(([g]) => [g, 0]));
  for (const [path, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const group = GROUPS.find(([, re]) => re.test(path))![0];
    groups.set(group, groups.get(group)! + bytesInOutput);
  }
  return groups;
}

interface StartupRow {
  round: number;
  variant: string;
  /** new Miniflare() to listening: workerd starts, parses, compiles and evaluates the bundle. */
  readyMs: number;
  /** The first GET /healthz after that: lazy compilation and per-isolate set-up on first use (the telemetry pipeline). */
  firstMs: number;
}

const STARTUP_VARIANTS = ["no telemetry (bundle)", "api, telemetry off", "api, telemetry on"] as const;

async function startupRounds(ctx: BenchContext, noTelemetry: Built, api: Built): Promise<StartupRow[]> {
  const proxy = await startOtlpProxy();
  const variants: Record<(typeof STARTUP_VARIANTS)[number], Variant> = {
    "no telemetry (bundle)": { ...offVariant(noTelemetry), name: "no-telemetry" },
    "api, telemetry off": offVariant(api),
    "api, telemetry on": onVariant(api, proxy.base),
  };
  const rows: StartupRow[] = [];
  try {
    for (let round = 0; round < ctx.rounds; round++) {
      for (const name of rotation(STARTUP_VARIANTS, round)) {
        const worker = await startWorkerd(variants[name], { cpus: ctx.cpus?.worker });
        try {
          const t0 = performance.now();
          const res = await fetch(`${worker.url}/healthz`, { signal: AbortSignal.timeout(30_000) });
          await res.arrayBuffer();
          rows.push({ round: round + 1, variant: name, readyMs: worker.readyMs, firstMs: performance.now() - t0 });
        } finally {
          await worker.stop();
        }
      }
      ctx.log(`startup round ${round + 1}: ${rows.slice(-3).map((r) => `${r.variant} ${num(r.readyMs)} + ${num(r.firstMs)} ms`).join(", ")}`);
    }
  } finally {
    await proxy.close();
  }
  return rows;
}

export const bundle: Comparison = {
  id: "bundle",
  title: "Bundle size and startup, with and without telemetry",
  async run(ctx: BenchContext) {
    const built = new Map<BuildKind, Built>();
    for (const kind of KINDS) built.set(kind, await ctx.build(kind));
    const size = (kind: BuildKind) => {
      const code = readFileSync(built.get(kind)!.bundle);
      return { raw: code.length, gzip: built.get(kind)!.wranglerGzipBytes, gzip9: gzipSync(code, { level: 9 }).length };
    };
    const sizes = new Map(KINDS.map((k) => [k, size(k)]));
    const added = sizes.get("api")!.gzip - sizes.get("no-telemetry")!.gzip;
    const cfAdded = sizes.get("otel-cf-only")!.gzip - sizes.get("no-telemetry")!.gzip;
    let notWired = "";
    try {
      requireTelemetryWired();
    } catch (e) {
      if (!(e instanceof NotMeasurable)) throw e;
      notWired = e.message;
    }
    const targets: TargetCheck[] = [
      notWired
        ? { name: "gzipped bytes telemetry adds", target: `<= ${TARGET_ADDED_GZIP_KIB} KiB`, measured: `n/a (${notWired})`, pass: null }
        : { name: "gzipped bytes telemetry adds", target: `<= ${TARGET_ADDED_GZIP_KIB} KiB`, measured: kib(added), pass: added <= TARGET_ADDED_GZIP_KIB * 1024 },
    ];

    const rows = await startupRounds(ctx, built.get("no-telemetry")!, built.get("api")!);
    const series = (variant: string, f: (r: StartupRow) => number) =>
      Array.from({ length: ctx.rounds }, (_, i) => rows.find((r) => r.variant === variant && r.round === i + 1)).map((r) => (r ? f(r) : NaN));
    const med = (variant: string, f: (r: StartupRow) => number) => summary(series(variant, f)).median;
    const base = STARTUP_VARIANTS[0];
    const delta = (variant: string, f: (r: StartupRow) => number) => {
      const perRound = summary(series(variant, f).map((x, i) => x - series(base, f)[i]!));
      return `${num(med(variant, f) - med(base, f))} [${num(perRound.min)}–${num(perRound.max)}]`;
    };
    const readyAdded = med("api, telemetry off", (r) => r.readyMs) - med(base, (r) => r.readyMs);
    const firstAdded = med("api, telemetry on", (r) => r.firstMs) - med(base, (r) => r.firstMs);
    const groups = KINDS.map((k) => breakdown(built.get(k)!));
    const body = [
      "The three bundles every other comparison of this run measures, built once per run with `wrangler deploy --dry-run --outdir",
      "DIR --metafile` exactly as `npm run check:deploy` builds the API: **api** = wrangler.toml (worker/index.ts, telemetry included,",
      "on or off at run time by OTEL_EXPORTER_OTLP_ENDPOINT); **no-telemetry** = the same config with entry bench/variants/no-telemetry.ts",
      "(the same `createApp()` and handlers, nothing from worker/telemetry wired in); **otel-cf-only** = the same config with entry",
      "bench/variants/otel-cf-only.ts (the app wrapped by @microlabs/otel-cf-workers alone). Gzip is wrangler's own \"Total Upload ... /",
      "gzip\" figure (what Cloudflare's size limit counts); gzip -9 of the bundle is shown beside it. Sizes are deterministic.",
      "",
      table(["bundle", "raw", "gzip (wrangler)", "gzip -9"], KINDS.map((k) => [k, kib(sizes.get(k)!.raw), kib(sizes.get(k)!.gzip), kib(sizes.get(k)!.gzip9)])),
      "",
      `Telemetry adds **${kib(added)}** gzipped (api − no-telemetry); otel-cf-workers alone adds ${kib(cfAdded)}.`,
      "",
      table(["target", "wanted", "measured", "result"], targets.map((t) => [t.name, t.target, t.measured, passMark(t.pass)])),
      "",
      "### Where the bytes are (esbuild metafile, bytes in the unminified output, before gzip)",
      "",
      table(["source", ...KINDS], GROUPS.map(([g]) => [g, ...groups.map((m) => kib(m.get(g) ?? 0))]).filter((r) => r.slice(1).some((c) => c !== "0 KiB"))),
      "",
      "### Startup: one workerd per start, through Miniflare's API (bench/lib/workerd.ts)",
      "",
      `**ready** is \`new Miniflare()\` until it listens: workerd starts, parses, compiles and evaluates the bundle (Cloudflare`,
      `does this once per isolate; its limit is 1 s of startup CPU). **first request** is the first \`GET /healthz\` after that: V8`,
      `compiles functions lazily on first call, and telemetry builds its pipeline (instruments, buffers) on its first request.`,
      `${ctx.rounds} interleaved rounds, a fresh workerd each time, pinned like the overhead comparison; medians [min–max].`,
      `Workerd's own start-up (process, sockets, Miniflare's loopback) is in every variant alike, so the differences are the bundle's.`,
      "",
      table(["variant", "ready ms", "first request ms", "ready − no-telemetry ms", "first request − no-telemetry ms"],
        STARTUP_VARIANTS.map((v) => [v, spread(summary(series(v, (r) => r.readyMs))), spread(summary(series(v, (r) => r.firstMs))),
          v === base ? "" : delta(v, (r) => r.readyMs), v === base ? "" : delta(v, (r) => r.firstMs)])),
      "",
      `Telemetry's startup cost: ${num(readyAdded)} ms more to start (parse and evaluate its code; ratio of medians ${num(pairedRatio(series("api, telemetry off", (r) => r.readyMs), series(base, (r) => r.readyMs)).ofMedians)}x),`,
      `and ${num(firstAdded)} ms more on the first request with telemetry on. A per-round range that straddles 0 is within this machine's noise.`,
      "",
      "### Raw rounds",
      "",
      table(["round", "variant", "ready ms", "first request ms"], rows.map((r) => [r.round, r.variant, num(r.readyMs), num(r.firstMs)])),
    ].join("\n");
    const headlines = [
      `Bundle: ${kib(sizes.get("no-telemetry")!.gzip)} gzipped without telemetry, ${kib(sizes.get("api")!.gzip)} with it: telemetry adds ${kib(added)} (otel-cf-workers alone: ${kib(cfAdded)}).`,
      `Startup in one workerd: ready in ${num(med(base, (r) => r.readyMs))} ms without telemetry, ${num(med("api, telemetry off", (r) => r.readyMs))} ms with it (${readyAdded >= 0 ? "+" : ""}${num(readyAdded)} ms); first request ${num(med(base, (r) => r.firstMs))} ms, ${num(med("api, telemetry on", (r) => r.firstMs))} ms with telemetry on.`,
    ];
    return { body, targets, headlines };
  },
};
