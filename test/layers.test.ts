import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");

/**
 * The layers of the tree, lowest first. A folder may import only folders of a lower layer (and itself); folders of one
 * layer are siblings and never import each other. scripts/ is split: its lib/, obs/, dev/ and test/ are the tooling the
 * others start their processes and backends with; the rest of scripts/ (npm start, traffic, start.d) sits above them.
 * The README's structure section shows the same table.
 */
const LAYERS: readonly (readonly string[])[] = [
  ["catalog", "scripts/lib", "docs"],
  ["promql", "grafana", "otlp", "scripts/obs"],
  ["worker", "dashboards", "alerts", "scripts/dev"],
  ["tail", "libsql", "observability", "scripts/test"],
  ["cli", "scripts"],
  ["test", "bench"],
  ["bin", "."],
];

/** Test files may also use the tooling that starts real processes and backends, from any layer. */
const TEST_TOOLING = new Set(["scripts/lib", "scripts/obs", "scripts/dev", "scripts/test"]);

/** A folder whose public face is its index.ts for the folders named: their code imports nothing else of it (their tests may). */
const ONLY_THROUGH_INDEX: Record<string, readonly string[]> = { otlp: ["tail"] };

const SOURCE = /\.(ts|mts|mjs|js)$/;
const SKIPPED_DIRS = new Set(["node_modules", ".git", ".cache", ".build", ".wrangler", "generated"]);
const layerOf = new Map(LAYERS.flatMap((units, i) => units.map((u) => [u, i] as const)));

/** The layer-table folder a repository path belongs to ("." for files at the root), or null if the table lacks it. */
function unitOf(path: string): string | null {
  const parts = path.split("/");
  if (parts.length === 1) return ".";
  if (parts[0] === "scripts" && parts.length > 2 && layerOf.has(`scripts/${parts[1]}`)) return `scripts/${parts[1]}`;
  return layerOf.has(parts[0]!) ? parts[0]! : null;
}

/** Test code: test files, global setups, and everything in a test/ folder (test doubles and helpers). */
const isTestCode = (path: string): boolean => /\.test\.ts$|\.global-setup\.ts$/.test(path) || path.split("/").slice(0, -1).includes("test");

function sourceFiles(dir = ""): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) return SKIPPED_DIRS.has(e.name) || e.name.startsWith(".") ? [] : sourceFiles(path);
    return SOURCE.test(e.name) ? [path] : [];
  });
}

interface Edge {
  from: string;
  to: string;
}

/** Every relative import, export-from and import() of a file, resolved to a repository path. */
function importsOf(path: string, text: string): Edge[] {
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((f) => f.fileName)
    .filter((spec) => spec.startsWith("./") || spec.startsWith("../"))
    .map((spec) => ({ from: path, to: normalize(join(dirname(path), spec)) }));
}

/** What is wrong with one import under the layer table; null when it is allowed. */
function violation({ from, to }: Edge): string | null {
  const [a, b] = [unitOf(from), unitOf(to)];
  if (a === null) return `${from}: its folder is not in the layer table`;
  if (b === null) return `${from} -> ${to}: the target's folder is not in the layer table`;
  if (isTestCode(to) && !isTestCode(from)) return `${from} -> ${to}: production code imports test code`;
  if (a === b) return null;
  if (!isTestCode(from) && ONLY_THROUGH_INDEX[b]?.includes(a) && to !== `${b}/index.ts`) return `${from} -> ${to}: ${a} uses ${b} only through ${b}/index.ts`;
  if (isTestCode(from) && TEST_TOOLING.has(b)) return null;
  const [la, lb] = [layerOf.get(a)!, layerOf.get(b)!];
  if (lb < la) return null;
  return `${from} -> ${to}: ${a} (layer ${la}) may import only lower layers, ${b} is layer ${lb}${lb === la ? " (a sibling)" : " (above it)"}`;
}

/** The part of its folder a file belongs to: the subfolder it is in, or the file itself at the folder's top. */
function partOf(path: string): string {
  const unit = unitOf(path)!;
  const rest = unit === "." ? path : path.slice(unit.length + 1);
  return `${unit}/${rest.split("/")[0]}`;
}

/** Groups of parts of one folder that import each other in a loop (strongly connected, Tarjan), test code left out. */
function loopsInside(edges: readonly Edge[]): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    if (isTestCode(from) || isTestCode(to) || unitOf(from) !== unitOf(to) || unitOf(from) === null) continue;
    const [a, b] = [partOf(from), partOf(to)];
    if (a === b) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    graph.get(a)!.add(b);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const loops: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const loop = stack.splice(stack.indexOf(v));
    if (loop.length > 1) loops.push(loop.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return loops;
}

describe("layers: each folder imports only folders below it", () => {
  const files = sourceFiles();
  const edges = files.flatMap((f) => importsOf(f, readFileSync(join(ROOT, f), "utf8")));

  it("reads the whole tree", () => {
    expect(files.length).toBeGreaterThan(300);
    expect(files).toContain("otlp/pipeline.ts");
    expect(files).toContain("scripts/dev/wrangler-dev.mjs");
    expect(edges.length).toBeGreaterThan(800);
  });

  it("places every file in a folder of the table", () => {
    expect(files.filter((f) => unitOf(f) === null)).toEqual([]);
  });

  it("has no import against the table", () => {
    expect(edges.map(violation).filter((v) => v !== null)).toEqual([]);
  });

  it("has no import loop between the parts of a folder", () => {
    expect(loopsInside(edges)).toEqual([]);
    expect(loopsInside([
      { from: "worker/cache/flags.ts", to: "worker/app-env.ts" },
      { from: "worker/app-env.ts", to: "worker/cache/flags.ts" },
      { from: "worker/cache/flags.test.ts", to: "worker/app.ts" },
    ])).toEqual([["worker/app-env.ts", "worker/cache"]]);
  });

  it("refuses an import upwards, between siblings, into test code, or past a public face", () => {
    expect(violation({ from: "promql/expr.ts", to: "dashboards/lib/scope.ts" })).toMatch(/above it/);
    expect(violation({ from: "dashboards/cost.ts", to: "alerts/text.ts" })).toMatch(/sibling/);
    expect(violation({ from: "alerts/push.ts", to: "grafana/test/fake-grafana.ts" })).toMatch(/production code imports test code/);
    // A test double in a consumer: alerts' tests using a fake kept in dashboards/ (where it was before grafana/).
    expect(violation({ from: "alerts/push.test.ts", to: "dashboards/test/fake-grafana.ts" })).toMatch(/sibling/);
    expect(violation({ from: "tail/index.ts", to: "otlp/registry.ts" })).toMatch(/only through otlp\/index.ts/);
    expect(violation({ from: "otlp/pipeline.test.ts", to: "scripts/obs/stand-in.mjs" })).toBeNull();
    expect(violation({ from: "otlp/pipeline.ts", to: "scripts/obs/stand-in.mjs" })).toMatch(/sibling/);
    expect(violation({ from: "newfolder/x.ts", to: "catalog/index.ts" })).toMatch(/not in the layer table/);
    expect(importsOf("tail/index.ts", 'import { a } from "../otlp/index.ts";\nexport * from "./b.ts";\nconst c = await import("../catalog/index.ts");')).toEqual([
      { from: "tail/index.ts", to: "otlp/index.ts" },
      { from: "tail/index.ts", to: "tail/b.ts" },
      { from: "tail/index.ts", to: "catalog/index.ts" },
    ]);
  });

  it("is the table the README's structure section shows", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const section = readme.split("<!-- section:structure -->")[1]?.split("<!-- /section:structure -->")[0] ?? "";
    for (const [i, units] of LAYERS.entries()) {
      for (const unit of units.filter((u) => u !== ".")) {
        const line = section.split("\n").find((l) => l.startsWith(`${relative(ROOT, join(ROOT, unit))}/ `));
        expect(line, `${unit}/ in the README structure section`).toBeDefined();
        expect(line, `${unit}/ is layer ${i}`).toMatch(new RegExp(`\\bL${i}\\b`));
      }
    }
  });
});
