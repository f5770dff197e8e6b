import { and, eq } from "drizzle-orm";
import { processedEvents } from "./schema.ts";
import type { Executor } from "./client.ts";

/** Whether a consumer has recorded the event as processed (outside a transaction: a cheap early skip). */
export async function isProcessed(db: Executor, consumer: string, eventId: string): Promise<boolean> {
  const [row] = await db
    .select({ eventId: processedEvents.eventId })
    .from(processedEvents)
    .where(and(eq(processedEvents.consumer, consumer), eq(processedEvents.eventId, eventId)));
  return row !== undefined;
}

/**
 * Claims an event for a consumer inside the caller's transaction. Returns false when the event was
 * already processed: a concurrent duplicate blocks on the primary key until the first commits, then
 * sees the row, so only one of them applies the event.
 */
export async function claimEvent(tx: Executor, consumer: string, eventId: string): Promise<boolean> {
  const rows = await tx.insert(processedEvents).values({ consumer, eventId }).onConflictDoNothing().returning({ eventId: processedEvents.eventId });
  return rows.length > 0;
}
