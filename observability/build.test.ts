import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, listGenerated, writeObservability } from "./build.ts";

describe("generated dashboards and rules are up to date", () => {
  const fresh = mkdtempSync(join(tmpdir(), "moltsecret-obs-"));
  const written = writeObservability(fresh);

  it("regenerating writes exactly the committed set of files", () => {
    expect(listGenerated(ROOT)).toEqual(written);
  });

  it.each(written)("%s is byte-for-byte what the builders produce (run `npm run build:observability`)", (file) => {
    expect(readFileSync(join(ROOT, file)).equals(readFileSync(join(fresh, file)))).toBe(true);
  });

  it("is deterministic: a second build is identical to the first", () => {
    const again = mkdtempSync(join(tmpdir(), "moltsecret-obs-"));
    writeObservability(again);
    for (const file of written) expect(readFileSync(join(again, file), "utf8"), file).toBe(readFileSync(join(fresh, file), "utf8"));
  });
});
