// Downloads into .cache happen once per machine, whichever of a test run's processes asks first.
import { mkdirSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { pollUntil } from "./poll.mjs";

/**
 * Runs `make()` unless `complete()` already holds, in one process at a time: `lock` is a directory (mkdir is atomic).
 * A process that finds the lock taken waits until it is free or `complete()` holds (the holder made it), at most
 * `timeoutMs`.
 */
export async function onceUnderLock({ lock, complete, make, timeoutMs }) {
  if (complete()) return;
  mkdirSync(dirname(lock), { recursive: true });
  const take = () => {
    try {
      mkdirSync(lock);
      return "taken";
    } catch {
      return complete() ? "made by another" : null;
    }
  };
  if ((await pollUntil(take, { timeoutMs, everyMs: 250, what: `${lock} free (remove it if no download is running)` })) !== "taken") return;
  try {
    if (!complete()) await make();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
