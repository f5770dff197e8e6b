import { randomUUID } from "node:crypto";
import { Queue, type Job, type JobsOptions, type Worker } from "bullmq";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { EmailVerified, UserRegistered, queueNames, type EventOf } from "@signup/contracts";
import { createLogger } from "@signup/logger";
import { createRedis, PermanentError, RetryLaterError, startConsumer, type ConsumerOptions, type Handlers } from "@signup/queue";
import { dropQueuePrefix, testRedisUrl, uniqueQueuePrefix, waitUntil } from "@signup/test";

const logger = createLogger({ name: "consume-test", level: "silent" });
type Verified = EventOf<"EmailVerified">;

describe("startConsumer", () => {
  const redis = createRedis(testRedisUrl(), "worker");
  const prefixes: string[] = [];
  const workers: Worker[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.close()));
  });
  afterAll(async () => {
    redis.disconnect();
    for (const prefix of prefixes) await dropQueuePrefix(testRedisUrl(), prefix);
  });

  /** An onboarding consumer on a prefix of its own, whose EmailVerified handler is `onVerified`. */
  function consume(onVerified: Handlers<"onboarding">["EmailVerified"], onDeadLetter?: ConsumerOptions<"onboarding">["onDeadLetter"]) {
    const prefix = uniqueQueuePrefix();
    prefixes.push(prefix);
    const handlers: Handlers<"onboarding"> = { EmailVerified: onVerified, InviteCreated: async () => ({ outcome: "skipped" }) };
    workers.push(
      startConsumer({
        queue: queueNames.onboarding,
        handlers,
        connection: redis,
        logger,
        prefix,
        concurrency: 1,
        ...(onDeadLetter ? { onDeadLetter } : {}),
      }),
    );
    const queue = new Queue(queueNames.onboarding, { connection: redis, prefix });
    const add = (name: string, data: unknown, opts: JobsOptions = {}) => queue.add(name, data, { attempts: 5, backoff: { type: "fixed", delay: 10 }, ...opts });
    return { queue, add };
  }

  async function settled(queue: Queue, id: string | undefined): Promise<Job> {
    return waitUntil(
      async () => {
        // State first: a job read before it finishes would carry no result.
        const state = await queue.getJobState(id!);
        return state === "failed" || state === "completed" ? queue.getJob(id!) : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 25, what: `job ${id} to finish` },
    );
  }

  const verified = () => EmailVerified.create({ userId: randomUUID() }, { correlationId: "c" });

  it("refuses to start when an event routed to its queue has no handler", () => {
    const handlers = { EmailVerified: async () => ({ outcome: "done" as const }) } as unknown as Handlers<"onboarding">;
    expect(() => startConsumer({ queue: queueNames.onboarding, handlers, connection: redis, logger, prefix: uniqueQueuePrefix() })).toThrow(
      "queue onboarding has no handler for InviteCreated",
    );
  });

  it("hands a valid event to its handler and keeps the result", async () => {
    const seen: Array<{ event: Verified; attempt: number }> = [];
    const { queue, add } = consume(async (event, ctx) => {
      seen.push({ event, attempt: ctx.attempt });
      return { outcome: "done", note: "ok" };
    });
    const event = verified();
    const job = await settled(queue, (await add("EmailVerified", event)).id);
    expect(await job.getState()).toBe("completed");
    expect(job.returnvalue).toEqual({ outcome: "done", note: "ok" });
    expect(seen).toEqual([{ event, attempt: 1 }]);
  });

  it("turns a payload that fails its contract into a dead letter at once, without calling the handler", async () => {
    let calls = 0;
    const deadLetters: unknown[] = [];
    const { queue, add } = consume(
      async () => {
        calls++;
        return { outcome: "done" };
      },
      async (event) => void deadLetters.push(event),
    );
    const job = await settled(queue, (await add("EmailVerified", { ...verified(), data: { userId: "not-a-uuid" } })).id);
    expect(await job.getState()).toBe("failed");
    expect(job.failedReason).toMatch(/^invalid EmailVerified payload/);
    expect(job.attemptsMade).toBe(1); // of 5: UnrecoverableError
    expect(calls).toBe(0);
    expect(deadLetters).toEqual([]); // no event to hand over: the failed job itself is the record
  });

  it("fails a job its queue does not carry for good", async () => {
    const { queue, add } = consume(async () => ({ outcome: "done" }));
    const job = await settled(queue, (await add("UserRegistered", UserRegistered.create({ userId: randomUUID() }, { correlationId: "c" }))).id);
    expect([await job.getState(), job.failedReason, job.attemptsMade]).toEqual(["failed", "queue onboarding does not handle UserRegistered", 1]);
  });

  it("sends a PermanentError to the dead letters after one attempt and calls onDeadLetter once", async () => {
    const deadLetters: Array<{ event: unknown; message: string }> = [];
    const { queue, add } = consume(
      async () => {
        throw new PermanentError("IdP said 400");
      },
      async (event, error) => void deadLetters.push({ event, message: error.message }),
    );
    const event = verified();
    const job = await settled(queue, (await add("EmailVerified", event)).id);
    expect([await job.getState(), job.failedReason, job.attemptsMade]).toEqual(["failed", "IdP said 400", 1]);
    await waitUntil(async () => deadLetters.length > 0, { timeoutMs: 2_000, what: "onDeadLetter" });
    expect(deadLetters).toEqual([{ event, message: "IdP said 400" }]);
  });

  it("delays a RetryLaterError by its delay without using up an attempt", async () => {
    const calls: Array<{ at: number; attempt: number }> = [];
    const { queue, add } = consume(async (_event, ctx) => {
      calls.push({ at: Date.now(), attempt: ctx.attempt });
      if (calls.length <= 2) throw new RetryLaterError("429", 300);
      return { outcome: "done" };
    });
    // One attempt only: were a rate limit counted, the job would fail at the first one.
    const job = await settled(queue, (await add("EmailVerified", verified(), { attempts: 1 })).id);
    expect(await job.getState()).toBe("completed");
    expect(calls.map((call) => call.attempt)).toEqual([1, 1, 1]);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(290);
    expect(calls[2]!.at - calls[1]!.at).toBeGreaterThanOrEqual(290);
  });

  it("retries an ordinary error and calls onDeadLetter once, when the attempts are exhausted", async () => {
    const attempts: number[] = [];
    const deadLetters: string[] = [];
    const { queue, add } = consume(
      async (_event, ctx) => {
        attempts.push(ctx.attempt);
        throw new Error("IdP unreachable");
      },
      async (event, error) => void deadLetters.push(`${event.id}: ${error.message}`),
    );
    const event = verified();
    const job = await settled(queue, (await add("EmailVerified", event, { attempts: 3 })).id);
    expect([await job.getState(), job.attemptsMade]).toEqual(["failed", 3]);
    expect(attempts).toEqual([1, 2, 3]);
    await waitUntil(async () => deadLetters.length > 0, { timeoutMs: 2_000, what: "onDeadLetter" });
    await new Promise((resolve) => setTimeout(resolve, 200)); // a second call would come right after
    expect(deadLetters).toEqual([`${event.id}: IdP unreachable`]);
  });
});
