import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { InviteCreated, UserRegistered, queueNames } from "@signup/contracts";
import { createPublisher, createRedis } from "@signup/queue";
import { dropQueuePrefix, freePort, testRedisUrl, uniqueQueuePrefix } from "@signup/test";

describe("createPublisher", () => {
  const prefix = uniqueQueuePrefix();
  const redis = createRedis(testRedisUrl(), "producer");
  const publisher = createPublisher(redis, { prefix, attempts: 3, backoffMs: 250 });
  const queue = (name: string) => new Queue(name, { connection: redis, prefix });

  afterAll(async () => {
    await publisher.close();
    redis.disconnect();
    await dropQueuePrefix(testRedisUrl(), prefix);
  });

  it("adds each event to every queue its type routes to, as a job whose id is the event id", async () => {
    const invite = InviteCreated.create({ inviteId: randomUUID(), teamId: randomUUID() }, { correlationId: "c" });
    await publisher.publish([invite]);
    for (const name of [queueNames.onboarding, queueNames.mail]) {
      const job = await queue(name).getJob(invite.id);
      expect([job?.name, job?.data]).toEqual(["InviteCreated", invite]);
    }
    expect(await queue(queueNames.provisioning).getJob(invite.id)).toBeUndefined();
  });

  it("stamps the retry policy on each job and keeps failed jobs (the dead letters)", async () => {
    const event = UserRegistered.create({ userId: randomUUID() }, { correlationId: "c" });
    await publisher.publish([event]);
    const job = await queue(queueNames.provisioning).getJob(event.id);
    expect(job?.opts).toMatchObject({ attempts: 3, backoff: { type: "exponential", delay: 250 }, removeOnFail: false });
  });

  it("makes a re-publish of the same event a no-op", async () => {
    const event = UserRegistered.create({ userId: randomUUID() }, { correlationId: "first" });
    await publisher.publish([event]);
    // The relay re-publishes after a crash between publishing and committing: same id, same job.
    await publisher.publish([event, { ...event, correlationId: "second" }]);
    const provisioning = queue(queueNames.provisioning);
    const jobs = (await provisioning.getJobs(["waiting"])).filter((job) => job.id === event.id);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.data.correlationId).toBe("first");
  });

  it("gives up within its timeout when Redis is unreachable, so the relay can roll back", async () => {
    const closed = createRedis(`redis://127.0.0.1:${await freePort()}`, "producer");
    closed.on("error", () => {}); // ECONNREFUSED, again and again
    const down = createPublisher(closed, { prefix, timeoutMs: 300 });
    const started = Date.now();
    try {
      await expect(down.publish([UserRegistered.create({ userId: randomUUID() }, { correlationId: "c" })])).rejects.toThrow(
        "publishing to Redis took over 300 ms",
      );
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      closed.disconnect();
    }
  });
});
