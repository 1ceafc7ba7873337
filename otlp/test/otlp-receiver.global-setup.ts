import type { TestProject } from "vitest/node";
import { startOtlpReceiver } from "../../scripts/obs/otlp-receiver.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    otlpReceiverUrl: string;
  }
}

/**
 * A real capturing OTLP receiver on 127.0.0.1 for the workerd tests; they read it back over HTTP (GET /captured). Shared by
 * every file of the project, each under its own scope (receiver.ts): one file's batches and fail/hang mode never reach another.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const receiver = await startOtlpReceiver();
  project.provide("otlpReceiverUrl", receiver.url);
  return () => receiver.close();
}
