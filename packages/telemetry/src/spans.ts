import { SpanStatusCode, trace, type Span, type SpanOptions } from "@opentelemetry/api";

/**
 * Runs fn inside a new active span from the tracer `tracerName`, ended when fn settles. A rejection
 * marks the span ERROR with the error's class only: messages may quote a vendor's answer, which may
 * name the user. With telemetry off the span is the API's no-op one.
 */
export function inSpan<T>(tracerName: string, name: string, options: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  return trace.getTracer(tracerName).startActiveSpan(name, options, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : "Error" });
      throw error;
    } finally {
      span.end();
    }
  });
}
