import { and, asc, type Database, inArray, isNull, markOutboxFailed, outbox, sql } from "@signup/db";
import { parseEvent, type AnyEvent } from "@signup/contracts";
import type { Logger } from "@signup/logger";
import type { Publisher } from "@signup/queue";

export type RelayDeps = { db: Database; publisher: Publisher; logger: Logger; batchSize: number };

/**
 * Publishes one batch of unpublished outbox rows and marks them published, in one transaction.
 * SKIP LOCKED lets several relays share the work; if publishing fails the transaction rolls back
 * and the rows stay for the next round. A crash after publishing but before commit re-publishes
 * the same ids, which BullMQ ignores (jobId = event id) and consumers tolerate (idempotent).
 * A row that no contract accepts can never be delivered: it is kept as a dead letter (failed_at and
 * the reason set, never published, never taken again) for the admin API and outbox_dead_letters.
 */
export async function relayBatch({ db, publisher, logger, batchSize }: RelayDeps): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .select({ id: outbox.id, envelope: outbox.envelope })
      .from(outbox)
      .where(and(isNull(outbox.publishedAt), isNull(outbox.failedAt)))
      .orderBy(asc(outbox.createdAt))
      .limit(batchSize)
      .for("update", { skipLocked: true });
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
    await publisher.publish(valid);
    if (published.length > 0) await tx.update(outbox).set({ publishedAt: sql`now()` }).where(inArray(outbox.id, published));
    for (const { id, reason } of rejected) {
      await markOutboxFailed(tx, id, reason);
      logger.error({ eventId: id, err: reason }, "outbox row fails its contract; kept as a dead letter, not published");
    }
    return rows.length;
  });
}
