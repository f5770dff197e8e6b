import { appendAudit, type AuditEntry } from "./audit.ts";
import { outbox } from "./schema.ts";
import type { Executor } from "./client.ts";

type OutboxEnvelope = { id: string; type: string; correlationId: string };

/** Call inside the transaction that makes the change the event describes. */
export async function enqueueEvent(tx: Executor, envelope: OutboxEnvelope): Promise<void> {
  await tx.insert(outbox).values({ id: envelope.id, type: envelope.type, envelope: envelope as Record<string, unknown> });
}

/** The event and the audit entry that records it, tied by the event's id and correlation id. */
export async function enqueueAuditedEvent(tx: Executor, envelope: OutboxEnvelope, audit: Omit<AuditEntry, "eventId" | "correlationId">): Promise<void> {
  await enqueueEvent(tx, envelope);
  await appendAudit(tx, { ...audit, eventId: envelope.id, correlationId: envelope.correlationId });
}
