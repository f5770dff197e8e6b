import { randomUUID } from "node:crypto";
import { UnrecoverableError, Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmailVerified, UserRegistered, queueNames } from "@signup/contracts";
import { createPublisher, createRedis, listDeadLetters, openQueues, replayDeadLetter, type QueueSet } from "@signup/queue";
import { dropQueuePrefix, testRedisUrl, uniqueQueuePrefix, waitUntil } from "@signup/test";

describe("dead letters", () => {
  const prefix = uniqueQueuePrefix();
  const redis = createRedis(testRedisUrl(), "worker");
  const producer = createRedis(testRedisUrl(), "producer");
  const publisher = createPublisher(producer, { prefix });
  let set: QueueSet;
  const workers: Worker[] = [];

  // Failed one after another, oldest first, alternating queues.
  const first = UserRegistered.create({ userId: randomUUID() }, { correlationId: "corr-1" });
  const second = EmailVerified.create({ userId: randomUUID() }, { correlationId: "corr-2" });
  const third = UserRegistered.create({ userId: randomUUID() }, { correlationId: "corr-3" });

  beforeAll(async () => {
    set = openQueues(redis, prefix);
    // Workers that refuse everything for good: each job lands in its queue's failed set at once.
    for (const name of [queueNames.provisioning, queueNames.onboarding]) {
      workers.push(new Worker(name, async (job) => Promise.reject(new UnrecoverableError(`refused ${job.id}`)), { connection: redis, prefix }));
    }
    const failedCount = async () => (await Promise.all([...set.queues.values()].map((queue) => queue.getFailedCount()))).reduce((a, b) => a + b, 0);
    for (const [index, event] of [first, second, third].entries()) {
      await publisher.publish([event]);
      await waitUntil(async () => (await failedCount()) === index + 1, { timeoutMs: 10_000, what: `${event.type} to fail` });
      await new Promise((resolve) => setTimeout(resolve, 5)); // distinct finishedOn stamps
    }
    // Stopped, so a replayed job stays visible as waiting.
    await Promise.all(workers.map((worker) => worker.close()));
  });
  afterAll(async () => {
    await publisher.close();
    await set?.close();
    redis.disconnect();
    producer.disconnect();
    await dropQueuePrefix(testRedisUrl(), prefix);
  });

  it("lists failed jobs newest first across every queue, with the event's ids", async () => {
    const { items, total } = await listDeadLetters(set, { offset: 0, limit: 10 });
    expect(total).toBe(3);
    expect(items.map((item) => item.jobId)).toEqual([third.id, second.id, first.id]);
    expect(items[1]).toEqual({
      queue: "onboarding",
      jobId: second.id,
      name: "EmailVerified",
      eventId: second.id,
      correlationId: "corr-2",
      userId: second.data.userId,
      failedReason: `refused ${second.id}`,
      attemptsMade: 1,
      failedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
    });
  });

  it("pages through the merged list and filters by queue", async () => {
    expect((await listDeadLetters(set, { offset: 1, limit: 1 })).items.map((item) => item.jobId)).toEqual([second.id]);
    const provisioning = await listDeadLetters(set, { queue: queueNames.provisioning, offset: 0, limit: 10 });
    expect([provisioning.total, provisioning.items.map((item) => item.jobId)]).toEqual([2, [third.id, first.id]]);
  });

  it("replays a failed job: back to waiting with fresh attempts; a second replay finds it not failed", async () => {
    const outcome = await replayDeadLetter(set, queueNames.provisioning, first.id);
    expect(outcome).toMatchObject({ status: "replayed", deadLetter: { jobId: first.id, failedReason: `refused ${first.id}` } });
    const job = await set.queues.get(queueNames.provisioning)!.getJob(first.id);
    expect([await job!.getState(), job!.attemptsMade]).toEqual(["waiting", 0]);
    expect(await replayDeadLetter(set, queueNames.provisioning, first.id)).toEqual({ status: "not_failed", state: "waiting" });
    expect((await listDeadLetters(set, { offset: 0, limit: 10 })).total).toBe(2);
  });

  it("answers not_found for a job that is not there", async () => {
    expect(await replayDeadLetter(set, queueNames.provisioning, randomUUID())).toEqual({ status: "not_found" });
    expect(await replayDeadLetter(set, queueNames.mail, second.id)).toEqual({ status: "not_found" });
  });
});
