import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { parse, stringify } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { obsBinaries } from "../scripts/obs/binaries.mjs";
import { PROMETHEUS_RULES, PROMTOOL_TESTS_DIR } from "./generate.ts";
import { ALL_ALERTS } from "./rules/index.ts";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "..");
let promtool = "";

async function promtoolRun(args: string[], cwd = ROOT): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(promtool, args, { cwd });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? 1, out: `${err.stdout ?? ""}${err.stderr ?? ""}` };
  }
}

const testFiles = readdirSync(join(ROOT, PROMTOOL_TESTS_DIR)).filter((f) => f.endsWith(".test.yaml")).sort();

/** A copy of the rules and tests where every alert expression is replaced: the boundary tests must then fail. */
function mutated(replacement: string): string {
  const dir = mkdtempSync(join(tmpdir(), "moltsecret-promtool-"));
  const rules = parse(readFileSync(join(ROOT, PROMETHEUS_RULES), "utf8")) as { groups: { rules: { alert?: string; expr: string }[] }[] };
  for (const g of rules.groups) for (const r of g.rules) if (r.alert) r.expr = replacement;
  writeFileSync(join(dir, "rules.yaml"), stringify(rules));
  for (const f of testFiles) {
    const test = parse(readFileSync(join(ROOT, PROMTOOL_TESTS_DIR, f), "utf8")) as { rule_files: string[] };
    test.rule_files = ["rules.yaml"];
    writeFileSync(join(dir, f), stringify(test));
  }
  return dir;
}

describe("promtool (real, Debian trixie)", () => {
  beforeAll(async () => {
    ({ promtool } = await obsBinaries());
  });

  it("check rules accepts the generated rule file", async () => {
    const { code, out } = await promtoolRun(["check", "rules", PROMETHEUS_RULES]);
    expect(out).toMatch(/SUCCESS: \d+ rules found/);
    expect(code).toBe(0);
  });

  it("has a boundary test for every alert: silent just below, pending then firing just above", () => {
    const text = testFiles.map((f) => readFileSync(join(ROOT, PROMTOOL_TESTS_DIR, f), "utf8")).join("\n");
    for (const alert of ALL_ALERTS) {
      const mentions = text.split(`alertname: ${alert.name}\n`).length - 1;
      expect(mentions, alert.name).toBeGreaterThanOrEqual(3);
    }
  });

  it.each(testFiles)("test rules %s passes", async (file) => {
    const { code, out } = await promtoolRun(["test", "rules", join(PROMTOOL_TESTS_DIR, file)]);
    expect(out).toContain("SUCCESS");
    expect(code).toBe(0);
  });

  it.each([
    ["never fire", "vector(0) > 1"],
    ["always fire", "vector(1)"],
  ])("the boundary tests fail when every alert would %s", async (_name, replacement) => {
    const dir = mutated(replacement);
    for (const file of testFiles) {
      const { code, out } = await promtoolRun(["test", "rules", file], dir);
      expect(code, `${file}\n${out}`).toBe(1);
      expect(out).toContain("FAILED");
    }
  });
});
