// wrangler.toml binds the UniqueUsers Durable Object (part of telemetry). The bench's telemetry-free variants
// must export a class of that name for the config to deploy, without pulling in any telemetry code.
import { DurableObject } from "cloudflare:workers";

export class UniqueUsers extends DurableObject {}
