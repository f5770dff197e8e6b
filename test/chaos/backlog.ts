import type postgres from "postgres";
import { queueNames, type QueueName } from "@signup/contracts";
import { createRedis, openQueues } from "@signup/queue";

/** The event queues a sign-up passes through (sms and lifecycle see no traffic here). */
export const pipelineQueues: readonly QueueName[] = [queueNames.provisioning, queueNames.mail, queueNames.onboarding];

/** What is still to do: queued jobs (waiting + delayed + active, per queue) and unpublished outbox rows. */
export type BacklogSample = { at: number; total: number; outbox: number; queues: Record<string, number> };

export type BacklogMonitor = {
  /** Samples in time order; a moment when Redis or PostgreSQL did not answer has no sample. */
  readonly samples: readonly BacklogSample[];
  latest(): BacklogSample | undefined;
  /** Dead letters (BullMQ's failed set) per queue, with a few reasons. */
  deadLetters(): Promise<Array<{ queue: string; count: number; reasons: string[] }>>;
  stop(): Promise<void>;
};

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });

/**
 * Samples the backlog every `intervalMs`. It reads Redis through a fail-fast (producer) connection
 * and tolerates a dead database connection: both are faults this run injects on purpose.
 */
export function startBacklogMonitor(options: { redisUrl: string; prefix: string; sql: postgres.Sql; intervalMs?: number }): BacklogMonitor {
  const redis = createRedis(options.redisUrl, "producer");
  redis.on("error", () => {});
  const { queues, close } = openQueues(redis, options.prefix);
  const samples: BacklogSample[] = [];
  let stopped = false;

  const sample = async (): Promise<BacklogSample> => {
    const counts = await withTimeout(
      Promise.all(
        pipelineQueues.map(async (name) => {
          const queue = queues.get(name);
          if (!queue) throw new Error(`no queue ${name}`);
          const c = await queue.getJobCounts("waiting", "delayed", "active", "prioritized");
          return [name, (c.waiting ?? 0) + (c.delayed ?? 0) + (c.active ?? 0) + (c.prioritized ?? 0)] as const;
        }),
      ),
      1_500,
    );
    const [row] = await withTimeout(options.sql`select count(*)::int as n from outbox where published_at is null`, 1_500);
    const outbox = (row?.n as number | undefined) ?? 0;
    const perQueue = Object.fromEntries(counts);
    return { at: Date.now(), total: outbox + counts.reduce((sum, [, n]) => sum + n, 0), outbox, queues: perQueue };
  };

  const loop = (async () => {
    while (!stopped) {
      const started = Date.now();
      try {
        samples.push(await sample());
      } catch {
        // Redis restarting or our connection terminated: no sample for this moment.
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, (options.intervalMs ?? 250) - (Date.now() - started))));
    }
  })();

  return {
    samples,
    latest: () => samples.at(-1),
    async deadLetters() {
      return Promise.all(
        pipelineQueues.map(async (name) => {
          const queue = queues.get(name);
          if (!queue) return { queue: name, count: 0, reasons: [] };
          const count = await queue.getFailedCount();
          const reasons = (await queue.getFailed(0, 4)).map((job) => `${job.name} ${String(job.id)}: ${job.failedReason}`);
          return { queue: name, count, reasons };
        }),
      );
    },
    async stop() {
      stopped = true;
      await loop;
      await close().catch(() => {});
      redis.disconnect();
    },
  };
}
