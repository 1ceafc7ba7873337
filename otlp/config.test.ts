import { describe, expect, it } from "vitest";
import { TELEMETRY } from "../catalog/index.ts";
import { parseOtlpHeaders, parseTelemetryConfig } from "./config.ts";

describe("parseTelemetryConfig", () => {
  it("is off (null) without an endpoint, or with a blank one", () => {
    expect(parseTelemetryConfig({})).toBeNull();
    expect(parseTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "  ", OTEL_EXPORTER_OTLP_HEADERS: "a=b" })).toBeNull();
  });

  it("applies OpenTelemetry's defaults and the environment name", () => {
    const c = parseTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://otlp-gateway-prod-eu-west-2.grafana.net/otlp/", ENVIRONMENT: "production" })!;
    expect(c.endpoint).toBe("https://otlp-gateway-prod-eu-west-2.grafana.net/otlp");
    expect(c.serviceName).toBe("moltsecret-api");
    expect(c.environment).toBe("production");
    expect(c.exportIntervalMs).toBe(TELEMETRY.exportInterval.value);
    expect(c.traceSampleRatio).toBe(TELEMETRY.traceSampleRatio.value);
    expect(c.tracesEnabled).toBe(true);
    expect(parseTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://x", OTEL_TRACES_EXPORTER: "none" })!.tracesEnabled).toBe(false);
  });

  it("writes console lines for server errors only unless LOG_REQUESTS_TO_CONSOLE says otherwise", () => {
    const minStatus = (v?: string) => parseTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://x", LOG_REQUESTS_TO_CONSOLE: v })!.consoleMinStatus;
    expect(minStatus()).toBe(TELEMETRY.consoleMinStatus.value);
    expect(minStatus("bogus")).toBe(TELEMETRY.consoleMinStatus.value);
    expect(minStatus("all")).toBe(0);
    expect(minStatus(" ALL ")).toBe(0);
    expect(minStatus("none")).toBe(Infinity);
  });

  it("reads interval and sampling ratio, clamping nonsense", () => {
    const c = parseTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://x", OTEL_METRIC_EXPORT_INTERVAL: "5000", OTEL_TRACES_SAMPLER_ARG: "0.25", OTEL_SERVICE_NAME: "svc" })!;
    expect([c.exportIntervalMs, c.traceSampleRatio, c.serviceName]).toEqual([5000, 0.25, "svc"]);
    const bad = parseTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://x", OTEL_METRIC_EXPORT_INTERVAL: "10", OTEL_TRACES_SAMPLER_ARG: "7" })!;
    expect(bad.exportIntervalMs).toBe(TELEMETRY.minExportInterval.value);
    expect(bad.traceSampleRatio).toBe(1);
    expect(parseTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://x", OTEL_METRIC_EXPORT_INTERVAL: "soon" })!.exportIntervalMs).toBe(TELEMETRY.exportInterval.value);
  });
});

describe("parseOtlpHeaders", () => {
  it("parses the spec's k=v list with percent-decoding, as Grafana Cloud's page gives it", () => {
    expect(parseOtlpHeaders("Authorization=Basic%20MTIzNDU2Ojk4NzY=, X-Scope-OrgID = tenant-1")).toEqual({
      Authorization: "Basic MTIzNDU2Ojk4NzY=",
      "X-Scope-OrgID": "tenant-1",
    });
  });

  it("keeps '=' inside values and skips malformed members", () => {
    expect(parseOtlpHeaders("a=b==,novalue,=x,,c=%ZZ")).toEqual({ a: "b==", c: "%ZZ" });
    expect(parseOtlpHeaders(undefined)).toEqual({});
  });
});
