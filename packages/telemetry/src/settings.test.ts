import { describe, expect, it } from "vitest";
import { telemetrySettings } from "./settings.ts";

const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" };

describe("telemetrySettings", () => {
  it("is off without an endpoint, and when the SDK or the trace exporter is disabled", () => {
    expect(telemetrySettings({}, "api")).toMatchObject({ enabled: false });
    expect(telemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "  " }, "api")).toMatchObject({ enabled: false });
    expect(telemetrySettings({ ...endpoint, OTEL_SDK_DISABLED: "true" }, "api")).toMatchObject({ enabled: false, reason: "OTEL_SDK_DISABLED=true" });
    expect(telemetrySettings({ ...endpoint, OTEL_TRACES_EXPORTER: "none" }, "api")).toMatchObject({ enabled: false });
  });

  it("is on with either endpoint variable, over http/protobuf unless told http/json", () => {
    expect(telemetrySettings(endpoint, "api")).toEqual({ enabled: true, protocol: "http/protobuf", serviceName: "api", otlpMetrics: false, otlpLogs: false });
    expect(telemetrySettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://c:4318/v1/traces" }, "api")).toMatchObject({ enabled: true });
    expect(telemetrySettings({ ...endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" }, "api")).toMatchObject({ protocol: "http/json" });
    // The signal-specific variable wins, as the specification says.
    expect(
      telemetrySettings({ ...endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json", OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/protobuf" }, "api"),
    ).toMatchObject({ protocol: "http/protobuf" });
  });

  it("lets OTEL_SERVICE_NAME or a service.name resource attribute override the service's own name", () => {
    expect(telemetrySettings({ ...endpoint, OTEL_SERVICE_NAME: "signup-api-eu" }, "api")).toMatchObject({ serviceName: undefined });
    expect(telemetrySettings({ ...endpoint, OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=prod,service.name=x" }, "api")).toMatchObject({
      serviceName: undefined,
    });
    expect(telemetrySettings({ ...endpoint, OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=prod" }, "api")).toMatchObject({ serviceName: "api" });
  });

  it("sends metrics and logs over OTLP only when asked for by name", () => {
    expect(telemetrySettings({ ...endpoint, OTEL_METRICS_EXPORTER: "otlp", OTEL_LOGS_EXPORTER: "otlp" }, "api")).toMatchObject({
      otlpMetrics: true,
      otlpLogs: true,
    });
  });

  it("refuses what it cannot do instead of exporting nothing quietly", () => {
    expect(() => telemetrySettings({ ...endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }, "api")).toThrow(/http\/protobuf" or "http\/json", not "grpc"/);
    expect(() => telemetrySettings({ ...endpoint, OTEL_TRACES_EXPORTER: "zipkin" }, "api")).toThrow(/only "otlp"/);
  });
});
