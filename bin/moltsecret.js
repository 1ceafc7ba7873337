#!/usr/bin/env node
// Runs the TypeScript CLI straight from a clone, no build step to remember: cli/ is bundled by esbuild into
// .cache/cli-b-* (git-ignored) on first use and again whenever one of its source files changes, so a run starts
// from plain JavaScript instead of compiling every file with tsx (about a second per run).
// Each build gets its own folder and a pointer file names the current one (replaced atomically), so concurrent
// runs never see a half-written or removed bundle. The folders sit two levels below the root, like the sources
// they replace, so the sources' `new URL("../../migrations", import.meta.url)` still point where they should.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CACHE = join(ROOT, ".cache");
const POINTER = join(CACHE, "cli-bundle");
const PREFIX = "cli-b-";
const MANIFEST = "inputs.json";
const HOUR_MS = 3_600_000;

/** Every source the bundle was built from still has the size and mtime it had then. */
function fresh(dir) {
  try {
    const inputs = JSON.parse(readFileSync(join(dir, MANIFEST), "utf8"));
    return Object.entries(inputs).every(([file, [size, mtimeMs]]) => {
      const s = statSync(join(ROOT, file));
      return s.size === size && s.mtimeMs === mtimeMs;
    });
  } catch {
    return false;
  }
}

function current() {
  try {
    return join(CACHE, readFileSync(POINTER, "utf8").trim());
  } catch {
    return null;
  }
}

async function build() {
  const { build: esbuild } = await import("esbuild");
  const name = `${PREFIX}${Date.now().toString(36)}-${process.pid}`;
  const dir = join(CACHE, name);
  const result = await esbuild({
    absWorkingDir: ROOT, entryPoints: { main: "cli/main.ts" }, outdir: dir, bundle: true, splitting: true, format: "esm",
    platform: "node", target: "node20", packages: "external", metafile: true, logLevel: "silent",
  });
  const inputs = {};
  for (const file of Object.keys(result.metafile.inputs)) {
    const s = statSync(join(ROOT, file));
    inputs[file] = [s.size, s.mtimeMs];
  }
  writeFileSync(join(dir, MANIFEST), JSON.stringify(inputs));
  const tmp = `${POINTER}.${process.pid}`;
  writeFileSync(tmp, name);
  renameSync(tmp, POINTER);
  // Bundles replaced more than an hour ago are no longer in use by any run.
  for (const old of readdirSync(CACHE).filter((d) => d.startsWith(PREFIX) && d !== name)) {
    const path = join(CACHE, old);
    if (Date.now() - statSync(path).mtimeMs > HOUR_MS) rmSync(path, { recursive: true, force: true });
  }
  return dir;
}

let dir = current();
if (!dir || !fresh(dir)) {
  try {
    mkdirSync(CACHE, { recursive: true });
    dir = await build();
  } catch {
    dir = null;
  }
}
let run;
if (dir) ({ run } = await import(pathToFileURL(join(dir, "main.js")).href));
else {
  // No esbuild (or it failed): compile on the fly with tsx, slower but the same code.
  const { register } = await import("tsx/esm/api");
  register();
  ({ run } = await import("../cli/main.ts"));
}
process.exitCode = await run(process.argv.slice(2));
