import { pollUntil } from "../../scripts/lib/poll.mjs";

/** Runs `count` tasks with at most `concurrency` in flight; returns their results in order. */
export async function bounded<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/** Polls `probe` until it returns true or `timeoutMs` passes; returns how long it took, or throws. */
export async function waitFor(probe: () => Promise<boolean>, timeoutMs: number, stepMs = 20): Promise<number> {
  const start = Date.now();
  await pollUntil(probe, { timeoutMs, everyMs: stepMs });
  return Date.now() - start;
}
