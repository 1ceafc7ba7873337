import type { TestProject } from "vitest/node";
// @ts-expect-error plain ESM script without types
import { startOtlpReceiver } from "../../scripts/obs/otlp-receiver.mjs";
// @ts-expect-error plain ESM script without types
import { startVictoriaMetrics } from "../../scripts/obs/victoria-metrics.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    otlpReceiverUrl: string;
    vmUrl: string;
  }
}

/** Real VictoriaMetrics behind a capturing receiver: the tail handler's export is queried back with PromQL. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const vm = await startVictoriaMetrics();
  const receiver = await startOtlpReceiver({ forwardMetricsTo: vm.url });
  project.provide("otlpReceiverUrl", receiver.url);
  project.provide("vmUrl", vm.url);
  return async () => {
    await receiver.close();
    await vm.stop();
  };
}
