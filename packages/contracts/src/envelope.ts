import { randomUUID } from "node:crypto";
import { isSpanContextValid, trace } from "@opentelemetry/api";
import { z } from "zod";

/**
 * W3C trace-context `traceparent`, version 00: trace id and parent span id in lower-case hex, not
 * all zeros, then the flags. The same pattern as @signup/telemetry's parser, which contracts may not
 * import (it carries the OpenTelemetry SDK; this package needs the API alone).
 */
export const traceparentPattern = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

/** Every event on the wire: ids and facts, never passwords or raw tokens. */
export const envelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().min(1),
  version: z.number().int().positive(),
  occurredAt: z.iso.datetime({ offset: true }),
  correlationId: z.string().min(1).max(200),
  /** The span that wrote the event, so its consumers join the same trace. Optional: older rows have none. */
  traceparent: z.string().regex(traceparentPattern).optional(),
  data: z.unknown(),
});

export type Envelope<TType extends string = string, TData = unknown> = {
  id: string;
  type: TType;
  version: number;
  occurredAt: string;
  correlationId: string;
  traceparent?: string;
  data: TData;
};

export type EventMeta = { correlationId: string; id?: string; occurredAt?: Date; traceparent?: string };

/**
 * The active span's traceparent, or undefined when none is active (and always when telemetry is
 * off: the API's no-op context never holds a span). Read here, at the one place every event is
 * built, so no producer can forget to pass it.
 */
function activeTraceparent(): string | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  if (!context || !isSpanContextValid(context)) return undefined;
  return `00-${context.traceId}-${context.spanId}-${(context.traceFlags & 0xff).toString(16).padStart(2, "0")}`;
}

export type EventContract<TType extends string, TSchema extends z.ZodType> = {
  type: TType;
  version: number;
  schema: TSchema;
  /** Builds a validated envelope: the producer side of the contract. */
  create(data: z.input<TSchema>, meta: EventMeta): Envelope<TType, z.output<TSchema>>;
  /** Validates an envelope taken off a queue: the consumer side of the contract. */
  parse(value: unknown): Envelope<TType, z.output<TSchema>>;
};

export function defineEvent<TType extends string, TSchema extends z.ZodType>(type: TType, version: number, schema: TSchema): EventContract<TType, TSchema> {
  const full = envelopeSchema.extend({ type: z.literal(type), version: z.literal(version), data: schema });
  return {
    type,
    version,
    schema,
    create(data, meta) {
      const traceparent = meta.traceparent ?? activeTraceparent();
      return full.parse({
        id: meta.id ?? randomUUID(),
        type,
        version,
        occurredAt: (meta.occurredAt ?? new Date()).toISOString(),
        correlationId: meta.correlationId,
        // Left out rather than undefined, so an envelope stored without tracing looks as it always did.
        ...(traceparent !== undefined ? { traceparent } : {}),
        data,
      }) as Envelope<TType, z.output<TSchema>>;
    },
    parse(value) {
      return full.parse(value) as Envelope<TType, z.output<TSchema>>;
    },
  };
}
