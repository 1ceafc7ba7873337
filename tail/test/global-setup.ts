import type { TestProject } from "vitest/node";
import { startOtlpReceiver } from "../../scripts/obs/otlp-receiver.mjs";
import { stopAllServices } from "../../scripts/obs/service.mjs";
import { startStandIn } from "../../scripts/obs/stand-in.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    otlpReceiverUrl: string;
    /** The Grafana Cloud stand-in's Prometheus (PromQL at /api/v1/query). */
    promUrl: string;
  }
}

/** The Grafana Cloud stand-in behind a capturing receiver: the tail handler's export is queried back with PromQL. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  try {
    const standIn = await startStandIn();
    const receiver = await startOtlpReceiver({ forwardMetricsTo: standIn.agentUrl });
    project.provide("otlpReceiverUrl", receiver.url);
    project.provide("promUrl", standIn.url);
    return async () => {
      await receiver.close();
      await standIn.stop();
    };
  } catch (error) {
    await stopAllServices();
    throw error;
  }
}
