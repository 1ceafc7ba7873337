import { describe, expect, it } from "vitest";
import { TelemetryPipeline } from "./pipeline.ts";
import { parseTelemetryConfig } from "./config.ts";
import { captured, decodeBody, receiverUrl } from "./test/receiver.ts";

describe("TelemetryPipeline in workerd", () => {
  it("posts OTLP protobuf metrics to {endpoint}/v1/metrics with the configured headers", async () => {
    const config = parseTelemetryConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: `${receiverUrl()}/`,
      OTEL_EXPORTER_OTLP_HEADERS: "Authorization=Basic%20dGVzdDp0b2tlbg==",
      OTEL_METRIC_EXPORT_INTERVAL: "1000",
      ENVIRONMENT: "test",
    })!;
    const pipeline = new TelemetryPipeline(config);
    const { next } = await captured();
    pipeline.instruments.secretsCreated.add(3);
    const report = await pipeline.flush();
    expect(report.metrics?.ok).toBe(true);
    const { batches } = await captured(next);
    expect(batches).toHaveLength(1);
    const [batch] = batches;
    expect(batch!.signal).toBe("metrics");
    expect(batch!.contentType).toBe("application/x-protobuf");
    expect(batch!.authorization).toBe("Basic dGVzdDp0b2tlbg==");
    expect(decodeBody(batch!)).toContain("moltsecret.secrets.created");
  });
});
