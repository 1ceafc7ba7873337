import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { onceUnderLock } from "./once-under-lock.mjs";

const dir = mkdtempSync(join(tmpdir(), "moltsecret-lock-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("onceUnderLock", () => {
  it("makes the target once when several callers ask at the same time, and frees the lock", async () => {
    const lock = join(dir, "a", "download.lock");
    const done = join(dir, "a", "done");
    let made = 0;
    const make = async () => {
      made++;
      await new Promise((r) => setTimeout(r, 300));
      writeFileSync(done, "");
    };
    await Promise.all([1, 2, 3].map(() => onceUnderLock({ lock, complete: () => existsSync(done), make, timeoutMs: 5_000 })));
    expect(made).toBe(1);
    expect(existsSync(lock)).toBe(false);
  });

  it("does nothing when the target is complete, and gives up on a lock nobody frees", async () => {
    let made = 0;
    await onceUnderLock({ lock: join(dir, "b.lock"), complete: () => true, make: () => made++, timeoutMs: 1_000 });
    expect(made).toBe(0);
    const stale = join(dir, "c.lock");
    mkdirSync(stale);
    await expect(onceUnderLock({ lock: stale, complete: () => false, make: () => made++, timeoutMs: 600 })).rejects.toThrow(/c\.lock free/);
    expect(made).toBe(0);
  });
});
