import { describe, expect, it } from "vitest";
import { activePipeline, getPipeline } from "./registry.ts";
import { telemetryEnv } from "./test/telemetry-env.ts";

describe("getPipeline", () => {
  it("keeps one pipeline per isolate for the same vars, whatever env object carries them, and a new one when they change", () => {
    const env = telemetryEnv({ OTEL_SERVICE_NAME: "registry-test" });
    const first = getPipeline(env);
    expect(first).not.toBeNull();
    expect(getPipeline(env)).toBe(first);
    expect(getPipeline({ ...env })).toBe(first);
    const changed = getPipeline({ ...env, OTEL_SERVICE_NAME: "registry-test-2" });
    expect(changed).not.toBe(first);
    expect(changed!.config.serviceName).toBe("registry-test-2");
    // The env object seen first is no longer the current one: asking with it again compares its vars, it is not trusted.
    expect(getPipeline(env)).not.toBe(changed);
    expect(getPipeline(env)!.config.serviceName).toBe("registry-test");
  });

  it("answers null with telemetry off, for the same env object every time, and then has no active pipeline", () => {
    const off = { OTEL_SERVICE_NAME: "registry-off" };
    expect(getPipeline(off)).toBeNull();
    expect(getPipeline(off)).toBeNull();
    expect(activePipeline()).toBeNull();
    expect(getPipeline(telemetryEnv({ OTEL_SERVICE_NAME: "registry-on-again" }))).not.toBeNull();
    expect(getPipeline(off)).toBeNull();
    // Counters recorded while serving an off request must not land in the previous request's pipeline.
    expect(activePipeline()).toBeNull();
  });

  it("gives the tail service its own pipeline on the same env", () => {
    const env = telemetryEnv({ OTEL_SERVICE_NAME: "registry-tail" });
    const api = getPipeline(env);
    const tail = getPipeline(env, "moltsecret-tail");
    expect(tail).not.toBe(api);
    expect(tail!.config.serviceName).toBe("moltsecret-tail");
    expect(getPipeline(env, "moltsecret-tail")).toBe(tail);
  });
});
