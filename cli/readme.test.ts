import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { D1_LIMITS, D1_SIZE, LIMIT_FRACTIONS, MIGRATION, ROWS_TRIGGER, WRITE_RATE_TRIGGER } from "../catalog/index.ts";
import { EXIT } from "./exit-codes.ts";
import { runCli } from "./test/capture.ts";
import { REPO } from "./test/local-d1-fixture.ts";
import { formatQuantity as fq } from "../catalog/format.ts";

const readme = readFileSync(join(REPO, "README.md"), "utf8");
const section = readme.split("<!-- section:capacity -->")[1]?.split("<!-- /section:capacity -->")[0] ?? "";

describe("README capacity section", () => {
  it("pastes the current --help of every command verbatim", async () => {
    for (const args of [[], ["capacity"], ["cost"], ["migrate", "plan"], ["migrate", "run"]]) {
      const { stdout } = await runCli([...args, "--help"]);
      expect(section, `moltsecret ${args.join(" ")} --help`).toContain(stdout.trimEnd());
    }
  });

  it("states the exit codes and the catalog's thresholds", () => {
    for (const [status, code] of Object.entries(EXIT)) expect(section).toMatch(new RegExp(`\\| ${code} \\| ${status.toUpperCase()} \\|`));
    // The thresholds as the one formatter writes them (and the alerts: "5 GB", not "5.00 GB").
    expect(section).toContain(`| ${fq(D1_SIZE.warning)} (\`D1_SIZE.warning\`) | ${fq(D1_SIZE.critical)} (\`D1_SIZE.critical\`), limit ${fq(D1_LIMITS.maxSize)} |`);
    expect(section).toContain(`| ${fq(ROWS_TRIGGER.warning)} (${fq(LIMIT_FRACTIONS.warning)} of the ${fq(D1_LIMITS.maxRows)} limit) | ${fq(ROWS_TRIGGER.critical)} (${fq(LIMIT_FRACTIONS.critical)}) |`);
    expect(section).toContain(`| ${fq(MIGRATION.writeLatencyP95)} (\`MIGRATION.writeLatencyP95\`)`);
    expect(section).toContain(`| ${fq(WRITE_RATE_TRIGGER.warning)} (${fq(LIMIT_FRACTIONS.warning)} of ~${fq(D1_LIMITS.writesPerSecond)}) | ${fq(WRITE_RATE_TRIGGER.critical)} (${fq(LIMIT_FRACTIONS.critical)}) |`);
    expect(section).toContain(`< ${fq(MIGRATION.projectionHorizon)})`);
    expect(section).toContain("1 GB = 10^9 bytes");
  });
});
