import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { TelemetryAggregator } from "../aggregator/aggregator-object.ts";
import type { TelemetryConfig } from "../config.ts";
import { aggregatorName, type Handoff } from "../aggregator/points.ts";

export const aggregators = (): DurableObjectNamespace<TelemetryAggregator> => env.TELEMETRY_AGGREGATOR;

export const aggregatorStub = (name = aggregatorName(0)): DurableObjectStub<TelemetryAggregator> => aggregators().get(aggregators().idFromName(name));

/** Runs the aggregator's export now, to `config` (the receiver), as its alarm would with the env's config. */
export const exportFleet = (config: TelemetryConfig, name = aggregatorName(0), now?: number) =>
  runInDurableObject(aggregatorStub(name), (agg: TelemetryAggregator) => agg.exportTo(config, now));

export type AggregatorMode = { now: "up" | "down" | "hang" | "lost-ack" };

/**
 * The real aggregators, failing as the platform can fail them: refused ("down"), never answering ("hang"), or
 * applying a hand-off and losing the answer on the way back ("lost-ack").
 */
export function flaky(mode: AggregatorMode): DurableObjectNamespace<TelemetryAggregator> {
  const real = aggregators();
  return {
    idFromName: (n: string) => real.idFromName(n),
    get: (id: DurableObjectId) => {
      const stub = real.get(id);
      return {
        handoff: async (batch: Handoff) => {
          if (mode.now === "down") throw new Error("Durable Object is overloaded");
          if (mode.now === "hang") return new Promise(() => {});
          const ack = await stub.handoff(batch);
          if (mode.now === "lost-ack") throw new Error("Network connection lost");
          return ack;
        },
      };
    },
  } as unknown as DurableObjectNamespace<TelemetryAggregator>;
}
