import { setTimeout as sleep } from "node:timers/promises";
import { type Database, inArray, lt, outbox, sql } from "@signup/db";
import type { Logger } from "@signup/logger";

export type RetentionOptions = {
  db: Database;
  logger: Logger;
  /** Published rows older than this are deleted; 0 keeps them all. */
  retentionMs: number;
  /** Rows per DELETE: each statement locks only these, however large the backlog. */
  batchSize?: number;
  /** Between two DELETEs, so a backlog drains without starving the relay and the API of I/O. */
  pauseMs?: number;
  /** Between two passes. */
  intervalMs?: number;
};

/**
 * Deletes up to `limit` published rows older than the retention. SKIP LOCKED lets several relays
 * prune side by side without waiting on each other's rows. Unpublished rows and dead letters
 * (published_at is null) are never touched.
 */
export async function deletePublishedBatch(db: Database, retentionMs: number, limit: number): Promise<number> {
  const expired = db
    .select({ id: outbox.id })
    .from(outbox)
    .where(lt(outbox.publishedAt, sql`now() - make_interval(secs => ${retentionMs / 1_000})`))
    .limit(limit)
    .for("update", { skipLocked: true });
  const deleted = await db.delete(outbox).where(inArray(outbox.id, expired)).returning({ id: outbox.id });
  return deleted.length;
}

/** One pass: batch after batch until a batch comes back short, or `stopped()` says to stop. */
export async function pruneOutbox(options: RetentionOptions & { stopped?: () => boolean }): Promise<number> {
  const { db, retentionMs, batchSize = 1_000, pauseMs = 200, stopped = () => false } = options;
  let total = 0;
  for (;;) {
    const deleted = await deletePublishedBatch(db, retentionMs, batchSize);
    total += deleted;
    if (deleted < batchSize || stopped()) return total;
    await sleep(pauseMs);
  }
}

export type RetentionLoop = { stop(): Promise<void> };

/** Prunes at start and then once per interval (a minute by default) until stopped. */
export function runRetention(options: RetentionOptions): RetentionLoop {
  const { logger, retentionMs, intervalMs = 60_000 } = options;
  if (retentionMs <= 0) {
    logger.info("OUTBOX_RETENTION is 0: published outbox rows are kept");
    return { stop: async () => {} };
  }
  const abort = new AbortController();
  const loop = (async () => {
    while (!abort.signal.aborted) {
      try {
        const deleted = await pruneOutbox({ ...options, stopped: () => abort.signal.aborted });
        if (deleted > 0) logger.info({ deleted, retentionMs }, "deleted published outbox rows past their retention");
      } catch (error) {
        // The next pass tries again; until then the rows only take up space.
        logger.warn({ err: error }, "outbox retention failed; trying again next interval");
      }
      await sleep(intervalMs, undefined, { signal: abort.signal }).catch(() => {});
    }
  })();
  return {
    async stop() {
      abort.abort();
      await loop;
    },
  };
}
