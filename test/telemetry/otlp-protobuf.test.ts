import { afterAll, describe, expect, it } from "vitest";
import { fastifyTracingPlugin, inSpan, injectTraceparent, startTelemetry } from "@signup/telemetry";
import { startOtlpCollector, type OtlpCollector } from "../support/otlp-collector.ts";

/** The SDK as a service starts it with only an endpoint set: OTLP over HTTP with protobuf bodies. */
describe("telemetry with an endpoint", () => {
  let collector: OtlpCollector | undefined;
  afterAll(async () => collector?.stop());

  it("exports http/protobuf to <endpoint>/v1/traces by default, and flushes on shutdown", async () => {
    collector = await startOtlpCollector();
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = collector.url;
    const telemetry = await startTelemetry({ serviceName: "protobuf-test" });
    expect(telemetry.enabled).toBe(true);
    expect(fastifyTracingPlugin()).toBeTypeOf("function");
    const traceparent = await inSpan("t", "work", {}, async () => injectTraceparent());
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    await telemetry.shutdown();
    expect(collector.requests).toEqual([{ path: "/v1/traces", contentType: "application/x-protobuf" }]);
  });
});
