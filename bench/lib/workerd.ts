// Runs one frozen Worker bundle in one workerd through Miniflare's API: the bindings of its wrangler config,
// migrations applied, no inspector, no wrangler dev proxy, stdout drained as Workers Logs would take it.
// What it measures is the Worker, not wrangler dev's local plumbing.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { buildVariant, type Built } from "./build.ts";
import { freePort } from "../../scripts/obs/service.mjs";
import { ROOT } from "./root.ts";
import { descendants, pin } from "./proc.ts";
import type { RunningWorker, Variant } from "./variant-worker.ts";

const bundleOf = (config: string): string => {
  const main = readFileSync(config, "utf8").match(/^main\s*=\s*"([^"]+)"/m)?.[1];
  if (!main) throw new Error(`${config} names no main bundle`);
  return main;
};

/** drizzle-kit's SQL files, statement by statement, in order. */
function migrationStatements(): string[] {
  const dir = join(ROOT, "migrations");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .flatMap((f) => readFileSync(join(dir, f), "utf8").split("--> statement-breakpoint"))
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The write Worker, built once per bench run: the API's WRITER service binding needs it beside the API. */
let writerBuild: Promise<Built> | undefined;

async function writerWorker() {
  const writer = await (writerBuild ??= buildVariant("writer", "worker/writer/wrangler.toml"));
  const { workerOptions } = unstable_getMiniflareWorkerOptions(writer.config);
  return { ...workerOptions, name: "moltsecret-writer", modules: true, scriptPath: writer.bundle, modulesRoot: dirname(writer.bundle) };
}

const workerdChildren = (): Set<number> => new Set(descendants(process.pid).filter((p) => p.comm === "workerd").map((p) => p.pid));

/** Starts the variant's bundle in its own workerd on an OS-assigned port with fresh state; pins it to `cpus` when given. */
/** With `inspector`, workerd serves the DevTools protocol on `inspectorPort` (profiling only: it costs CPU). */
export async function startWorkerd(variant: Variant, opts: { cpus?: string; inspector?: boolean } = {}): Promise<RunningWorker & { readyMs: number }> {
  const persistDir = mkdtempSync(join(tmpdir(), `moltsecret-bench-workerd-${variant.name}-`));
  const bundle = bundleOf(variant.config);
  const { workerOptions } = unstable_getMiniflareWorkerOptions(variant.config);
  const inspectorPort = opts.inspector ? await freePort() : undefined;
  const before = workerdChildren();
  let stdout = "";
  const api = {
    ...workerOptions,
    name: "moltsecret-api",
    // The producer's Tail Worker is another script: it is not what this measures.
    tails: undefined,
    modules: true,
    scriptPath: bundle,
    modulesRoot: dirname(bundle),
    bindings: { ...workerOptions.bindings, ...variant.vars },
  };
  // With the WRITER binding the API's writes run in the write Worker: both in this one workerd, on one D1 database, so
  // the CPU measured per request is what Cloudflare bills for it (both Workers' CPU).
  const writer = "WRITER" in (workerOptions.serviceBindings ?? {}) ? await writerWorker() : undefined;
  // From here to `ready`: workerd starts, parses, compiles and evaluates the bundle(s), and listens (the Worker's startup).
  const t0 = performance.now();
  const mf = new Miniflare({
    workers: writer ? [api, writer] : [api],
    host: "127.0.0.1",
    port: 0,
    ...(inspectorPort ? { inspectorPort } : {}),
    defaultPersistRoot: persistDir,
    // Miniflare's placeholder request.cf (the shape and size of the edge's), without its 3 s attempt to download one.
    cf: false,
    handleRuntimeStdio(out, err) {
      // Drained like Workers Logs takes it; the tail is kept for error reports only.
      out.on("data", (chunk: Buffer) => (stdout = (stdout + chunk.toString()).slice(-4000)));
      err.resume();
    },
  });
  const stop = async () => {
    await mf.dispose().catch(() => undefined);
    rmSync(persistDir, { recursive: true, force: true });
  };
  try {
    const url = (await mf.ready).origin;
    const readyMs = performance.now() - t0;
    const db = await mf.getD1Database("DB");
    for (const statement of migrationStatements()) await db.prepare(statement).run();
    const kv = await mf.getKVNamespace("KV");
    for (const [key, value] of Object.entries(variant.kv ?? {})) await kv.put(key, value);
    const started = [...workerdChildren()].filter((pid) => !before.has(pid));
    if (started.length !== 1) throw new Error(`expected one new workerd for ${variant.name}, found ${started.length}`);
    const workerdPid = started[0]!;
    if (opts.cpus) pin(workerdPid, opts.cpus);
    return { variant, url, persistDir, workerdPid, proxyPid: NaN, hostPids: () => [], inspectorPort: inspectorPort ?? NaN, stop, output: () => stdout, readyMs };
  } catch (error) {
    await stop();
    throw error;
  }
}
