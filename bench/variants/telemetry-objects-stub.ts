// wrangler.toml binds telemetry's Durable Objects (UniqueUsers, TelemetryAggregator). The bench's telemetry-free variants
// must export classes of those names for the config to deploy, without pulling in any telemetry code.
import { DurableObject } from "cloudflare:workers";

export class UniqueUsers extends DurableObject {}
export class TelemetryAggregator extends DurableObject {}
