import { context, isSpanContextValid, trace, type SpanContext } from "@opentelemetry/api";

/** W3C trace-context version 00; the same pattern as the envelope's in @signup/contracts. */
const traceparentPattern = /^00-((?!0{32})[0-9a-f]{32})-((?!0{16})[0-9a-f]{16})-([0-9a-f]{2})$/;

/** `00-<trace id>-<span id>-<flags>` for a valid span context, else undefined. */
export function traceparentOf(spanContext: SpanContext): string | undefined {
  if (!isSpanContextValid(spanContext)) return undefined;
  return `00-${spanContext.traceId}-${spanContext.spanId}-${(spanContext.traceFlags & 0xff).toString(16).padStart(2, "0")}`;
}

/**
 * The W3C traceparent of the active span, for carrying a trace through something that is not
 * HTTP (an outbox row, a BullMQ job). Undefined when no span is active, and always when telemetry
 * is off. Unlike propagation.inject it does not depend on OTEL_PROPAGATORS: the envelope field is
 * W3C whatever headers the HTTP side speaks.
 */
export function injectTraceparent(): string | undefined {
  const span = trace.getActiveSpan();
  return span ? traceparentOf(span.spanContext()) : undefined;
}

/** The remote span context a traceparent names; undefined for anything malformed. */
export function spanContextFromTraceparent(traceparent: unknown): SpanContext | undefined {
  if (typeof traceparent !== "string") return undefined;
  const match = traceparentPattern.exec(traceparent);
  if (!match) return undefined;
  return { traceId: match[1]!, spanId: match[2]!, traceFlags: Number.parseInt(match[3]!, 16), isRemote: true };
}

/**
 * Runs fn in a context whose parent is the span the traceparent names, so spans fn starts join
 * that trace (a job's span under the span that wrote its event). Without a valid traceparent fn
 * runs as it is and its spans start a trace of their own.
 */
export function withRemoteParent<T>(traceparent: string | undefined, fn: () => T): T {
  const parent = spanContextFromTraceparent(traceparent);
  if (!parent) return fn();
  return context.with(trace.setSpanContext(context.active(), parent), fn);
}

/** The active span's trace id, for a log line or an error report; undefined without one. */
export function activeTraceId(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}
