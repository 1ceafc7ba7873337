import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { DASHBOARDS } from "../dashboards/index.ts";
import { ALL_ALERTS } from "../alerts/rules/index.ts";

const ROOT = resolve(import.meta.dirname, "..");
const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const section = readme.split("<!-- section:dashboards -->")[1]?.split("<!-- /section:dashboards -->")[0] ?? "";

describe("README dashboards section", () => {
  it("lists every alert with its severity, for and runbook, as generated", () => {
    for (const a of ALL_ALERTS) {
      expect(section).toContain(`| \`${a.name}\` | ${a.severity} | ${a.for} | [${a.family}](alerts/runbooks/${a.family}.md) |`);
    }
    const rows = section.split("\n").filter((l) => /^\| `Moltsecret/.test(l));
    expect(rows).toHaveLength(ALL_ALERTS.length);
  });

  it("names every generated dashboard file and the commands that build, push and drive them", () => {
    for (const name of Object.keys(DASHBOARDS)) expect(section).toContain(`dashboards/generated/${name}.json`);
    for (const cmd of ["npm run build:observability", "moltsecret dashboards push", "moltsecret alerts push", "mimirtool rules load", "npm run traffic -- --scenario errors"]) {
      expect(section).toContain(cmd);
    }
  });
});
