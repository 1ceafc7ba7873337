import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { RUNBOOK_BASE_URL } from "../catalog/index.ts";
import { promAnnotations } from "./prometheus-rules.ts";
import { ALL_ALERTS } from "./rules/index.ts";

const ROOT = resolve(import.meta.dirname, "..");
const families = [...new Set(ALL_ALERTS.map((a) => a.family))];

describe("runbooks", () => {
  it.each(ALL_ALERTS.map((a) => [a.name, a]))("%s links to its family's runbook, names itself there, and has a severity", (_n, alert) => {
    const url = promAnnotations(alert).runbook_url ?? "";
    expect(url.startsWith(RUNBOOK_BASE_URL)).toBe(true);
    const file = join(ROOT, "alerts/runbooks", url.slice(RUNBOOK_BASE_URL.length));
    expect(existsSync(file), file).toBe(true);
    expect(readFileSync(file, "utf8")).toContain(alert.name.replace(/(Page|Ticket)\w+$/, ""));
    expect(["warning", "critical", "page", "ticket"]).toContain(alert.severity);
  });

  it.each(families)("%s.md says what it means, the first three checks, mitigations and a moltsecret command", (family) => {
    const text = readFileSync(join(ROOT, "alerts/runbooks", `${family}.md`), "utf8");
    expect(text).toMatch(/\*\*Meaning\.\*\*/);
    expect(text).toMatch(/## First three checks\n1\. .*\n(.*\n)*?2\. .*\n(.*\n)*?3\. /);
    expect(text).toContain("## Mitigations");
    expect(text).toMatch(/## CLI\n`moltsecret (capacity|cost|migrate)/);
  });
});
