import { Queue, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { allQueueNames, type QueueName } from "@signup/contracts";

/** BullMQ's failed set is the dead-letter queue: jobs that exhausted their attempts or failed for good. */
export type DeadLetter = {
  queue: QueueName;
  jobId: string;
  name: string;
  eventId: string | null;
  correlationId: string | null;
  userId: string | null;
  failedReason: string;
  attemptsMade: number;
  failedAt: string | null;
};

export type QueueSet = { queues: Map<QueueName, Queue>; close(): Promise<void> };

export function openQueues(connection: Redis, prefix?: string): QueueSet {
  const queues = new Map(allQueueNames.map((name) => [name, new Queue(name, { connection, prefix })] as const));
  return { queues, close: async () => void (await Promise.all([...queues.values()].map((q) => q.close()))) };
}

function toDeadLetter(queue: QueueName, job: Job): DeadLetter {
  const data = (job.data ?? {}) as { id?: string; correlationId?: string; data?: { userId?: string } };
  return {
    queue,
    jobId: String(job.id),
    name: job.name,
    eventId: data.id ?? null,
    correlationId: data.correlationId ?? null,
    userId: data.data?.userId ?? null,
    failedReason: job.failedReason ?? "",
    attemptsMade: job.attemptsMade,
    failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
  };
}

/** Newest first across the chosen queues; `offset` pages through the merged list. */
export async function listDeadLetters(
  set: QueueSet,
  options: { queue?: QueueName; offset: number; limit: number },
): Promise<{ items: DeadLetter[]; total: number }> {
  const names = options.queue ? [options.queue] : [...set.queues.keys()];
  const perQueue = await Promise.all(
    names.map(async (name) => {
      const queue = set.queues.get(name)!;
      const [jobs, count] = await Promise.all([queue.getFailed(0, options.offset + options.limit - 1), queue.getFailedCount()]);
      return { jobs: jobs.map((job) => toDeadLetter(name, job)), count };
    }),
  );
  const merged = perQueue.flatMap((q) => q.jobs).sort((a, b) => (b.failedAt ?? "").localeCompare(a.failedAt ?? ""));
  return { items: merged.slice(options.offset, options.offset + options.limit), total: perQueue.reduce((n, q) => n + q.count, 0) };
}

export type ReplayOutcome = { status: "replayed"; deadLetter: DeadLetter } | { status: "not_found" } | { status: "not_failed"; state: string };

/** Moves a failed job back to waiting with fresh attempts; consumers are idempotent, so this is safe. */
export async function replayDeadLetter(set: QueueSet, queue: QueueName, jobId: string): Promise<ReplayOutcome> {
  const job = await set.queues.get(queue)?.getJob(jobId);
  if (!job) return { status: "not_found" };
  const state = await job.getState();
  if (state !== "failed") return { status: "not_failed", state };
  const deadLetter = toDeadLetter(queue, job);
  await job.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
  return { status: "replayed", deadLetter };
}
