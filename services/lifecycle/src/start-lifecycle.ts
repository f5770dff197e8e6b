import { Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { queueNames } from "@signup/contracts";
import type { Database } from "@signup/db";
import type { Logger } from "@signup/logger";
import { sweepSignUps, type SweepSettings } from "./sweep.ts";

export type LifecycleOptions = {
  db: Database;
  connection: Redis;
  prefix?: string;
  logger: Logger;
  settings: SweepSettings & { everyMs: number };
  /** The clock the sweep reads; tests inject one and move it. */
  now?: () => Date;
};

const schedulerId = "sign-up-sweep";

/**
 * BullMQ's job scheduler makes one sweep job per interval however many replicas run this (the
 * scheduler is keyed by id in Redis), and a worker of any replica takes it. The API never runs a
 * timer of its own.
 */
export async function startLifecycle(options: LifecycleOptions): Promise<{ close(): Promise<void> }> {
  const { connection, prefix, logger, settings } = options;
  const now = options.now ?? (() => new Date());
  const queue = new Queue(queueNames.lifecycle, { connection, prefix });
  await queue.upsertJobScheduler(schedulerId, { every: settings.everyMs }, { name: "sweep", opts: { removeOnComplete: 100, removeOnFail: 1_000 } });
  const worker = new Worker(
    queueNames.lifecycle,
    async () => {
      const result = await sweepSignUps(options.db, now(), settings);
      if (result.reminded + result.abandoned > 0) logger.info(result, "lifecycle sweep");
      return result;
    },
    { connection, prefix, concurrency: 1, runRetryDelay: 1_000 },
  );
  worker.on("error", (error) => logger.error({ err: error }, "lifecycle worker error"));
  worker.on("failed", (_job, error) => logger.warn({ err: error }, "lifecycle sweep failed; the next one retries"));
  return {
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
