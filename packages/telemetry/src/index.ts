/**
 * @signup/telemetry: OpenTelemetry tracing for every service, and the workers' Prometheus
 * endpoint.
 *
 * Tracing is off unless an OTLP endpoint is configured (see startTelemetry): then nothing of the
 * SDK is loaded and the helpers below cost a lookup in the no-op context.
 *
 * Privacy rule: span names and attributes carry ids, routes, queue and event names, outcomes; never
 * tokens, verification codes, passwords, email addresses or phone numbers, not even masked. Our own
 * spans are written that way, and every span passes RedactingSpanProcessor on its way out, which
 * replaces what an instrumentation may have captured (a verification token in fastify's url.path, a
 * query string in undici's url.full, an address in an exception message). redact.test.ts and
 * test/e2e/tracing.test.ts hold the rule.
 */
export { startTelemetry, fastifyTracingPlugin, type Telemetry, type FastifyTracingPlugin } from "./start.ts";
export { telemetrySettings, type TelemetrySettings } from "./settings.ts";
export { inSpan } from "./spans.ts";
// So a service or a test needs no dependency of its own on @opentelemetry/api (whose version must
// match the SDK's, and which vitest takes as an optional peer: a second one splits vitest in two).
export type { Link, Span, SpanContext, SpanOptions } from "@opentelemetry/api";
export { activeTraceId, injectTraceparent, spanContextFromTraceparent, traceparentOf, withRemoteParent } from "./traceparent.ts";
export { RedactingSpanProcessor, redactAttributes, redactText, redactUrlValue } from "./redact.ts";
export { countPublishedEvents, metricsRegistry, recordJob, trackOutboxLag, type JobOutcome } from "./metrics.ts";
export { startMetricsServer, type MetricsServer } from "./metrics-server.ts";
