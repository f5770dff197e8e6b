import type { SQL } from "drizzle-orm";
import { appendAudit, type AuditEntry } from "./audit.ts";
import { outbox } from "./schema.ts";
import type { Executor } from "./client.ts";
import { insertRowWhere } from "./insert-where.ts";
import type { Slots } from "./statement.ts";

type OutboxEnvelope = { id: string; type: string; correlationId: string };

/**
 * Every outbox column a writer sets, each one required: a column added to the table is a compile
 * error in outboxRow until it is mapped here or listed as filled in later (by the database or the
 * relay; writers.test.ts checks the SQL too). This is the only place an event becomes a row.
 */
type OutboxRow = {
  [K in Exclude<keyof typeof outbox.$inferInsert, "createdAt" | "publishedAt" | "failedAt" | "failedReason">]-?: (typeof outbox.$inferInsert)[K];
};

function outboxRow(envelope: OutboxEnvelope): OutboxRow {
  return { id: envelope.id, type: envelope.type, envelope: envelope as Record<string, unknown> };
}

/** The outbox INSERT, not yet run: await it, or embed `.getSQL()` in a larger statement. */
export function outboxInsert(db: Executor, envelope: OutboxEnvelope) {
  return db.insert(outbox).values(outboxRow(envelope));
}

/**
 * The same row, written only when `condition` holds (INSERT ... SELECT ... WHERE), in a statement
 * built once (statement()): the event's row as slots named after `name`, which
 * eventValues(name, envelope) fills at each run.
 */
export function outboxSlotsWhere<N extends string>(v: Slots<EventSlot<N>>, name: N, condition: SQL): SQL {
  const slot = (key: EventSlot<N>) => v[key];
  return insertRowWhere(outbox, { id: slot(`${name}Id`), type: slot(`${name}Type`), envelope: slot(name) }, condition);
}

/** An event's slot names, for statement()'s list. */
export type EventSlot<N extends string> = N | `${N}Id` | `${N}Type`;
export const eventSlots = <N extends string>(name: N): EventSlot<N>[] => [name, `${name}Id`, `${name}Type`];

export function eventValues<N extends string>(name: N, envelope: OutboxEnvelope): Record<EventSlot<N>, unknown> {
  const row = outboxRow(envelope);
  return { [`${name}Id`]: row.id, [`${name}Type`]: row.type, [name]: row.envelope } as Record<EventSlot<N>, unknown>;
}

/** Call inside the transaction that makes the change the event describes. */
export async function enqueueEvent(tx: Executor, envelope: OutboxEnvelope): Promise<void> {
  await outboxInsert(tx, envelope);
}

/** The event and the audit entry that records it, tied by the event's id and correlation id. */
export async function enqueueAuditedEvent(tx: Executor, envelope: OutboxEnvelope, audit: Omit<AuditEntry, "eventId" | "correlationId">): Promise<void> {
  await enqueueEvent(tx, envelope);
  await appendAudit(tx, { ...audit, eventId: envelope.id, correlationId: envelope.correlationId });
}
