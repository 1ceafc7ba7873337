import { expect } from "vitest";

/**
 * The running test file as a receiver scope token (see splitScope in scripts/obs/otlp-receiver.mjs): test files run in
 * parallel against one receiver, so each exports under, reads back from and switches modes of its own path prefix.
 * Read at call time, not cached: a module shared by several files still answers for the file that is running.
 */
export function fileScope(): string {
  const path = expect.getState().testPath;
  if (!path) throw new Error("fileScope() outside a test file");
  return path.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-/, "");
}

/** `base` with the running file's scope prefix: `${base}/scope/<file>`. */
export const scoped = (base: string): string => `${base}/scope/${fileScope()}`;
