import { asc, type Database, inArray, isNull, outbox, sql } from "@signup/db";
import { parseEvent, type AnyEvent } from "@signup/contracts";
import type { Logger } from "@signup/logger";
import type { Publisher } from "@signup/queue";

export type RelayDeps = { db: Database; publisher: Publisher; logger: Logger; batchSize: number };

/**
 * Publishes one batch of unpublished outbox rows and marks them published, in one transaction.
 * SKIP LOCKED lets several relays share the work; if publishing fails the transaction rolls back
 * and the rows stay for the next round. A crash after publishing but before commit re-publishes
 * the same ids, which BullMQ ignores (jobId = event id) and consumers tolerate (idempotent).
 */
export async function relayBatch({ db, publisher, logger, batchSize }: RelayDeps): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .select({ id: outbox.id, envelope: outbox.envelope })
      .from(outbox)
      .where(isNull(outbox.publishedAt))
      .orderBy(asc(outbox.createdAt))
      .limit(batchSize)
      .for("update", { skipLocked: true });
    if (rows.length === 0) return 0;

    const valid: AnyEvent[] = [];
    for (const row of rows) {
      try {
        valid.push(parseEvent(row.envelope));
      } catch (error) {
        // A row no contract accepts can never be delivered: it is marked published with the rest
        // (not retried forever) and reported loudly here; the row itself stays in the outbox table.
        logger.error({ eventId: row.id, err: (error as Error).message }, "outbox row fails its contract; not published");
      }
    }
    await publisher.publish(valid);
    await tx.update(outbox).set({ publishedAt: sql`now()` }).where(inArray(outbox.id, rows.map((row) => row.id)));
    return rows.length;
  });
}
