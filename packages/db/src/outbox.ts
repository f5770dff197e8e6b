import { outbox } from "./schema.ts";
import type { Executor } from "./client.ts";

type OutboxEnvelope = { id: string; type: string };

/** Call inside the transaction that makes the change the event describes. */
export async function enqueueEvent(tx: Executor, envelope: OutboxEnvelope): Promise<void> {
  await tx.insert(outbox).values({ id: envelope.id, type: envelope.type, envelope: envelope as Record<string, unknown> });
}
