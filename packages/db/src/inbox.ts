import { processedEvents } from "./schema.ts";
import type { Executor } from "./client.ts";

/**
 * Claims an event for a consumer inside the caller's transaction. Returns false when the event was
 * already processed: a concurrent duplicate blocks on the primary key until the first commits, then
 * sees the row, so only one of them applies the event.
 */
export async function claimEvent(tx: Executor, consumer: string, eventId: string): Promise<boolean> {
  const rows = await tx.insert(processedEvents).values({ consumer, eventId }).onConflictDoNothing().returning({ eventId: processedEvents.eventId });
  return rows.length > 0;
}
