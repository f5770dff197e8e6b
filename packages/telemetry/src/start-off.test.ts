import { type ProxyTracerProvider, trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { activeTraceId, fastifyTracingPlugin, injectTraceparent, startTelemetry, withRemoteParent } from "./index.ts";

describe("telemetry without an endpoint", () => {
  it("starts nothing: returns at once, registers no SDK, and the helpers find no trace", async () => {
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
    const started = performance.now();
    const telemetry = await startTelemetry({ serviceName: "test" });
    expect(performance.now() - started).toBeLessThan(50);
    expect(telemetry.enabled).toBe(false);
    await telemetry.shutdown();

    // The API's global provider is still the no-op one: no tracer provider, no context manager.
    expect((trace.getTracerProvider() as ProxyTracerProvider).getDelegate().constructor.name).toBe("NoopTracerProvider");
    expect(fastifyTracingPlugin()).toBeUndefined();
    const inside = trace.getTracer("t").startActiveSpan("job", (span) => {
      const seen = { traceparent: injectTraceparent(), traceId: activeTraceId(), recording: span.isRecording() };
      span.end();
      return seen;
    });
    expect(inside).toEqual({ traceparent: undefined, traceId: undefined, recording: false });
    // A remote parent changes nothing either: without a context manager no context is ever active.
    expect(withRemoteParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", () => injectTraceparent())).toBeUndefined();
  });

  it("is off with an endpoint when OTEL_SDK_DISABLED=true", async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = "http://127.0.0.1:1";
    process.env.OTEL_SDK_DISABLED = "true";
    try {
      expect((await startTelemetry({ serviceName: "test" })).enabled).toBe(false);
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
      delete process.env.OTEL_SDK_DISABLED;
    }
  });
});
