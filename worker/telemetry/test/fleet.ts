import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { TelemetryAggregator } from "../aggregator/aggregator-object.ts";
import type { TelemetryConfig } from "../config.ts";
import { aggregatorName } from "../aggregator/points.ts";

export const aggregators = (): DurableObjectNamespace<TelemetryAggregator> => env.TELEMETRY_AGGREGATOR;

export const aggregatorStub = (name = aggregatorName(0)): DurableObjectStub<TelemetryAggregator> => aggregators().get(aggregators().idFromName(name));

/** Runs the aggregator's export now, to `config` (the receiver), as its alarm would with the env's config. */
export const exportFleet = (config: TelemetryConfig, name = aggregatorName(0), now?: number) =>
  runInDurableObject(aggregatorStub(name), (agg: TelemetryAggregator) => agg.exportTo(config, now));
