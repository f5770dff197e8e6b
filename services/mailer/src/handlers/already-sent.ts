import { and, eq } from "drizzle-orm";
import { processedEvents, type Database } from "@signup/db";

export const MAILER = "mailer";

/**
 * Mail cannot be sent inside a transaction, so the inbox row is written after the send: a crash in
 * between sends the mail again on retry (at-least-once), never zero times.
 */
export async function alreadySent(db: Database, eventId: string): Promise<boolean> {
  const [row] = await db
    .select({ eventId: processedEvents.eventId })
    .from(processedEvents)
    .where(and(eq(processedEvents.consumer, MAILER), eq(processedEvents.eventId, eventId)));
  return Boolean(row);
}
