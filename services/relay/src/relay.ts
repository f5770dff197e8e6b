import { type Database, markOutboxFailed, outbox, sql, statement } from "@signup/db";
import { parseEvent, type AnyEvent } from "@signup/contracts";
import type { Logger } from "@signup/logger";
import type { Publisher } from "@signup/queue";
import { countPublishedEvents, inSpan, spanContextFromTraceparent, type Link } from "@signup/telemetry";

/**
 * Publishes inside a span of its own for the batch, linked to the span that wrote each event (a
 * batch mixes many sign-ups, so it can be the child of none). The publisher then makes a span per
 * event under its writer's, which keeps every sign-up one trace across the outbox.
 */
async function publishTraced(publisher: Publisher, events: AnyEvent[], rowCount: number): Promise<void> {
  const links = events.flatMap((event): Link[] => {
    const writer = spanContextFromTraceparent(event.traceparent);
    return writer ? [{ context: writer, attributes: { "signup.event.id": event.id } }] : [];
  });
  const attributes = { "signup.relay.rows": rowCount, "signup.relay.events": events.length };
  await inSpan("@signup/relay", "relay batch", { links, attributes }, () => publisher.publish(events));
}

// Rendered once (statement()): the relay runs them for every batch, and every poll when idle. The
// two reads are functions of migration 0008, which keep them on the unpublished rows' index.
const unpublished = statement(["batchSize"], (v) => sql`select id, envelope from outbox_claim_unpublished(${v.batchSize})`);
const anyUnpublished = statement([], () => sql`select outbox_has_unpublished() as found`);
const markPublished = statement(["ids"], (v) => sql`update ${outbox} set published_at = now() where id = any(${v.ids}::uuid[])`);

export type RelayDeps = { db: Database; publisher: Publisher; logger: Logger; batchSize: number };

/** Whether an idle relay has anything to take: one probe of the unpublished rows' partial index, outside a transaction. */
export async function outboxHasWork(db: Database): Promise<boolean> {
  const [row] = await anyUnpublished(db, {});
  return row?.found === true;
}

/**
 * Publishes one batch of unpublished outbox rows and marks them published, in one transaction.
 * SKIP LOCKED lets several relays share the work; if publishing fails the transaction rolls back
 * and the rows stay for the next round. A crash after publishing but before commit re-publishes
 * the same ids, which BullMQ ignores (jobId = event id) and consumers tolerate (idempotent).
 * A row that no contract accepts can never be delivered: it is kept as a dead letter (failed_at and
 * the reason set, never published, never taken again) for the admin API and outbox_dead_letters.
 */
export async function relayBatch({ db, publisher, logger, batchSize }: RelayDeps): Promise<number> {
  let publishedCount = 0;
  const rowCount = await db.transaction(async (tx) => {
    const rows = (await unpublished(tx, { batchSize })).map((raw) => ({ id: raw.id as string, envelope: raw.envelope }));
    if (rows.length === 0) return 0;

    const valid: AnyEvent[] = [];
    const published: string[] = [];
    const rejected: Array<{ id: string; reason: string }> = [];
    for (const row of rows) {
      try {
        valid.push(parseEvent(row.envelope));
        published.push(row.id);
      } catch (error) {
        rejected.push({ id: row.id, reason: (error as Error).message });
      }
    }
    await publishTraced(publisher, valid, rows.length);
    if (published.length > 0) await markPublished(tx, { ids: published });
    for (const { id, reason } of rejected) {
      await markOutboxFailed(tx, id, reason);
      logger.error({ eventId: id, err: reason }, "outbox row fails its contract; kept as a dead letter, not published");
    }
    publishedCount = published.length;
    return rows.length;
  });
  countPublishedEvents(publishedCount); // after the commit: a rolled-back batch was not published
  return rowCount;
}
