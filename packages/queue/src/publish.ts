import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { defaultJobOptions, routes, type AnyEvent, type QueueName } from "@signup/contracts";

export type Publisher = {
  /** Adds each event to every queue its type routes to; jobId = event id makes a re-publish a no-op. */
  publish(events: AnyEvent[]): Promise<void>;
  close(): Promise<void>;
};

/**
 * A Queue waits for its connection without limit; the relay must instead give up, roll back and
 * leave the events in the outbox, so every publish is bounded by timeoutMs.
 */
export type PublisherOptions = { prefix?: string; timeoutMs?: number; attempts?: number; backoffMs?: number };

export function createPublisher(connection: Redis, options: PublisherOptions = {}): Publisher {
  const { prefix, timeoutMs = 5_000 } = options;
  const jobOptions = {
    ...defaultJobOptions,
    attempts: options.attempts ?? defaultJobOptions.attempts,
    backoff: { ...defaultJobOptions.backoff, delay: options.backoffMs ?? defaultJobOptions.backoff.delay },
  };
  const queues = new Map<QueueName, Queue>();
  const queueFor = (name: QueueName) => {
    let queue = queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection, prefix, defaultJobOptions: jobOptions });
      queues.set(name, queue);
    }
    return queue;
  };
  return {
    async publish(events) {
      const byQueue = new Map<QueueName, AnyEvent[]>();
      for (const event of events) {
        for (const name of routes[event.type]) byQueue.set(name, [...(byQueue.get(name) ?? []), event]);
      }
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`publishing to Redis took over ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([
          timeout,
          Promise.all(
            [...byQueue].map(([name, batch]) =>
              queueFor(name).addBulk(batch.map((event) => ({ name: event.type, data: event, opts: { jobId: event.id } }))),
            ),
          ),
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      await Promise.all([...queues.values()].map((queue) => queue.close()));
    },
  };
}
