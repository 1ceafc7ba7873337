import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BYTES_PER_GB, D1_LIMITS, D1_SIZE, MIGRATION, ROWS_TRIGGER, WRITE_RATE_TRIGGER } from "../catalog/index.ts";
import { EXIT } from "./exit-codes.ts";
import { runCli } from "./test/capture.ts";
import { REPO } from "./test/local-d1-fixture.ts";
import { formatCount } from "../catalog/format.ts";

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
    expect(section).toContain(`| ${D1_SIZE.warning.value / BYTES_PER_GB} GB (\`D1_SIZE.warning\`) | ${D1_SIZE.critical.value / BYTES_PER_GB} GB (\`D1_SIZE.critical\`), limit ${D1_LIMITS.maxSize.value / BYTES_PER_GB} GB |`);
    expect(section).toContain(`| ${formatCount(ROWS_TRIGGER.warning.value)} (50% of the ${formatCount(D1_LIMITS.maxRows.value)} limit) | ${formatCount(ROWS_TRIGGER.critical.value)} (80%) |`);
    expect(section).toContain(`| ${MIGRATION.writeLatencyP95.value * 1000} ms (\`MIGRATION.writeLatencyP95\`)`);
    expect(section).toContain(`| ${WRITE_RATE_TRIGGER.warning.value}/s (50% of ~1,000/s) | ${WRITE_RATE_TRIGGER.critical.value}/s (80%) |`);
    expect(section).toContain(`< ${MIGRATION.projectionHorizon.value} days`);
    expect(section).toContain("1 GB = 10^9 bytes");
  });
});
