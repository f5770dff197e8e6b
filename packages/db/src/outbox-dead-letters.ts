import { and, count, desc, eq, isNotNull, isNull, sql } from "drizzle-orm";
import type { Executor } from "./client.ts";
import { outbox } from "./schema.ts";

/** An outbox row no contract accepts: never published, never tried again, kept for an operator. */
export type OutboxDeadLetter = {
  id: string;
  type: string;
  envelope: unknown;
  failedReason: string;
  failedAt: Date;
};

// Dead letters are unpublished rows, so `published_at is null` lets these reads use the small
// outbox_unpublished_idx instead of scanning every published row.
const deadLetters = and(isNull(outbox.publishedAt), isNotNull(outbox.failedAt));

/** Called by the relay, in the transaction that took the row, instead of marking it published. */
export async function markOutboxFailed(tx: Executor, id: string, reason: string): Promise<void> {
  await tx
    .update(outbox)
    .set({ failedAt: sql`now()`, failedReason: reason.slice(0, 1_000) })
    .where(and(eq(outbox.id, id), isNull(outbox.publishedAt)));
}

/** Newest first. */
export async function listOutboxDeadLetters(db: Executor, options: { limit: number }): Promise<OutboxDeadLetter[]> {
  const rows = await db
    .select({ id: outbox.id, type: outbox.type, envelope: outbox.envelope, failedReason: outbox.failedReason, failedAt: outbox.failedAt })
    .from(outbox)
    .where(deadLetters)
    .orderBy(desc(outbox.failedAt), desc(outbox.id))
    .limit(options.limit);
  return rows.map((row) => ({ ...row, failedReason: row.failedReason ?? "", failedAt: row.failedAt ?? new Date(0) }));
}

export async function countOutboxDeadLetters(db: Executor): Promise<number> {
  const [row] = await db.select({ n: count() }).from(outbox).where(deadLetters);
  return row?.n ?? 0;
}
