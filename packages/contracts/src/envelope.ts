import { randomUUID } from "node:crypto";
import { z } from "zod";

/** Every event on the wire: ids and facts, never passwords or raw tokens. */
export const envelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().min(1),
  version: z.number().int().positive(),
  occurredAt: z.iso.datetime({ offset: true }),
  correlationId: z.string().min(1).max(200),
  data: z.unknown(),
});

export type Envelope<TType extends string = string, TData = unknown> = {
  id: string;
  type: TType;
  version: number;
  occurredAt: string;
  correlationId: string;
  data: TData;
};

export type EventContract<TType extends string, TSchema extends z.ZodType> = {
  type: TType;
  version: number;
  schema: TSchema;
  /** Builds a validated envelope: the producer side of the contract. */
  create(data: z.input<TSchema>, meta: { correlationId: string; id?: string; occurredAt?: Date }): Envelope<TType, z.output<TSchema>>;
  /** Validates an envelope taken off a queue: the consumer side of the contract. */
  parse(value: unknown): Envelope<TType, z.output<TSchema>>;
};

export function defineEvent<TType extends string, TSchema extends z.ZodType>(
  type: TType,
  version: number,
  schema: TSchema,
): EventContract<TType, TSchema> {
  const full = envelopeSchema.extend({ type: z.literal(type), version: z.literal(version), data: schema });
  return {
    type,
    version,
    schema,
    create(data, meta) {
      return full.parse({
        id: meta.id ?? randomUUID(),
        type,
        version,
        occurredAt: (meta.occurredAt ?? new Date()).toISOString(),
        correlationId: meta.correlationId,
        data,
      }) as Envelope<TType, z.output<TSchema>>;
    },
    parse(value) {
      return full.parse(value) as Envelope<TType, z.output<TSchema>>;
    },
  };
}
