// 4. Bundle: gzipped Worker size with and without telemetry (`wrangler deploy --dry-run --outdir`).
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { buildVariant, type Built } from "../lib/build.ts";
import { kib, num, passMark, spread, table } from "../lib/format.ts";
import { rotation } from "../lib/measure.ts";
import { summary } from "../lib/stats.ts";
import { NotMeasurable, type BenchContext, type BuildKind, type Comparison, type TargetCheck } from "../lib/types.ts";
import { BUILD_SOURCES, requireTelemetryWired } from "../lib/variants.ts";

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

interface BuildRow {
  round: number;
  kind: BuildKind;
  rawBytes: number;
  wranglerGzipBytes: number;
  gzip9Bytes: number;
  buildMs: number;
}

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

export const bundle: Comparison = {
  id: "bundle",
  title: "Bundle size with and without telemetry",
  async run(ctx: BenchContext) {
    const rounds = ctx.quick ? 1 : ctx.rounds;
    const rows: BuildRow[] = [];
    const last = new Map<BuildKind, Built>();
    for (let round = 0; round < rounds; round++) {
      for (const kind of rotation(KINDS, round)) {
        const built = await buildVariant(kind, BUILD_SOURCES[kind].config, BUILD_SOURCES[kind].entry);
        const code = readFileSync(built.bundle);
        rows.push({ round: round + 1, kind, rawBytes: code.length, wranglerGzipBytes: built.wranglerGzipBytes, gzip9Bytes: gzipSync(code, { level: 9 }).length, buildMs: built.buildMs });
        last.set(kind, built);
        ctx.log(`round ${round + 1} ${kind}: ${kib(code.length)} raw, ${kib(built.wranglerGzipBytes)} gzip (wrangler)`);
      }
    }
    const med = (kind: BuildKind, f: (r: BuildRow) => number) => summary(rows.filter((r) => r.kind === kind).map(f));
    const added = med("api", (r) => r.wranglerGzipBytes).median - med("no-telemetry", (r) => r.wranglerGzipBytes).median;
    const cfAdded = med("otel-cf-only", (r) => r.wranglerGzipBytes).median - med("no-telemetry", (r) => r.wranglerGzipBytes).median;
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
    const groups = KINDS.map((k) => breakdown(last.get(k)!));
    const body = [
      "Each bundle is built with `wrangler deploy --dry-run --outdir DIR --metafile` exactly as `npm run check:deploy` builds the",
      "API: **api** = wrangler.toml (worker/index.ts, telemetry included, on or off at run time by OTEL_EXPORTER_OTLP_ENDPOINT);",
      "**no-telemetry** = the same config with entry bench/variants/no-telemetry.ts (the same `createApp()` and handlers, nothing",
      "from worker/telemetry wired in); **otel-cf-only** = the same config with entry bench/variants/otel-cf-only.ts (the app",
      "wrapped by @microlabs/otel-cf-workers alone). Gzip is wrangler's own \"Total Upload ... / gzip\" figure (what Cloudflare's size limit",
      `counts); gzip -9 of the bundle is shown beside it. ${rounds} interleaved build round(s); sizes are deterministic, so the`,
      "spread only shows in the build times.",
      "",
      table(["bundle", "raw", "gzip (wrangler)", "gzip -9", "build s"], KINDS.map((k) => [k, kib(med(k, (r) => r.rawBytes).median),
        kib(med(k, (r) => r.wranglerGzipBytes).median), kib(med(k, (r) => r.gzip9Bytes).median), spread(med(k, (r) => r.buildMs / 1000))])),
      "",
      `Telemetry adds **${kib(added)}** gzipped (api − no-telemetry); otel-cf-workers alone adds ${kib(cfAdded)}.`,
      "",
      table(["target", "wanted", "measured", "result"], targets.map((t) => [t.name, t.target, t.measured, passMark(t.pass)])),
      "",
      "### Where the bytes are (esbuild metafile, bytes in the unminified output, before gzip)",
      "",
      table(["source", ...KINDS], GROUPS.map(([g]) => [g, ...groups.map((m) => kib(m.get(g) ?? 0))]).filter((r) => r.slice(1).some((c) => c !== "0 KiB"))),
      "",
      "### Raw rounds",
      "",
      table(["round", "bundle", "raw bytes", "gzip bytes (wrangler)", "gzip -9 bytes", "build ms"], rows.map((r) => [r.round, r.kind, r.rawBytes, num(r.wranglerGzipBytes), r.gzip9Bytes, num(r.buildMs)])),
    ].join("\n");
    return { body, targets, headlines: [`Bundle: telemetry adds ${kib(added)} gzipped (otel-cf-workers alone: ${kib(cfAdded)}).`] };
  },
};
