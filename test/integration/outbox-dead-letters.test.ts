import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmailVerified, UserRegistered, queueNames } from "@signup/contracts";
import { enqueueEvent } from "@signup/db";
import { createLogger } from "@signup/logger";
import { createPublisher, createRedis, openQueues, type QueueSet } from "@signup/queue";
import { dropQueuePrefix, testRedisUrl, uniqueQueuePrefix } from "@signup/test";
// The operator's side of an outbox dead letter is the API's admin list and /metrics, so this test
// runs the real relay against the API in-process, on one database.
import { adminToken, buildTestApp } from "../../services/api/test/build-test-app.ts";
import { relayBatch } from "../../services/relay/src/relay.ts";

const logger = createLogger({ name: "relay-test", level: "silent" });

describe("an outbox row that no contract accepts", () => {
  const prefix = uniqueQueuePrefix();
  const redis = createRedis(testRedisUrl(), "producer");
  const publisher = createPublisher(redis, { prefix });
  let queues: QueueSet;
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;

  const good = UserRegistered.create({ userId: randomUUID() }, { correlationId: "corr-good" });
  const alsoGood = EmailVerified.create({ userId: randomUUID() }, { correlationId: "corr-good" });
  // Written by a producer with a bug: no version or occurredAt, and a userId that is no uuid.
  const broken = { id: randomUUID(), type: "UserRegistered", correlationId: "corr-broken", data: { userId: "not-a-uuid" } };
  const unknownType = { id: randomUUID(), type: "UserTeleported", correlationId: "corr-unknown" };

  beforeAll(async () => {
    queues = openQueues(redis, prefix);
    ctx = await buildTestApp({}, { queues });
    // One transaction, good and bad rows interleaved, so they land in one relay batch.
    await ctx.database.db.transaction(async (tx) => {
      for (const row of [good, broken, alsoGood, unknownType]) await enqueueEvent(tx, row);
    });
  });
  afterAll(async () => {
    await ctx?.close();
    await queues?.close();
    await publisher.close();
    redis.disconnect();
    await dropQueuePrefix(testRedisUrl(), prefix);
  });

  const admin = (method: "GET" | "POST", url: string) => ctx.app.inject({ method, url, headers: { authorization: `Bearer ${adminToken}` } });
  const row = async (id: string) => (await ctx.database.sql`select published_at, failed_at, failed_reason from outbox where id = ${id}`)[0]!;

  it("is kept unpublished with its reason while the good rows of its batch are published", async () => {
    expect(await relayBatch({ db: ctx.database.db, publisher, logger, batchSize: 100 })).toBe(4);

    for (const event of [good, alsoGood]) expect((await row(event.id)).published_at).not.toBeNull();
    expect(await queues.queues.get(queueNames.provisioning)!.getJob(good.id)).toBeDefined();
    expect(await queues.queues.get(queueNames.onboarding)!.getJob(alsoGood.id)).toBeDefined();

    const kept = await row(broken.id);
    expect(kept.published_at).toBeNull();
    expect(kept.failed_at).not.toBeNull();
    expect(kept.failed_reason).toMatch(/userId|version|occurredAt/);
    expect(await queues.queues.get(queueNames.provisioning)!.getJob(broken.id)).toBeUndefined();
    expect((await row(unknownType.id)).failed_reason).toBe("unknown event type: UserTeleported");
  });

  it("is not taken again by the next batch", async () => {
    expect(await relayBatch({ db: ctx.database.db, publisher, logger, batchSize: 100 })).toBe(0);
    expect((await row(broken.id)).published_at).toBeNull();
  });

  it("shows in the admin list of dead letters, alone under ?queue=outbox", async () => {
    const all = await admin("GET", "/admin/dead-letters");
    expect(all.statusCode).toBe(200);
    expect(all.json()).toMatchObject({ total: 2, nextCursor: null });
    expect(all.json().items).toEqual(
      expect.arrayContaining([
        {
          queue: "outbox",
          jobId: broken.id,
          name: "UserRegistered",
          eventId: broken.id,
          userId: "not-a-uuid",
          correlationId: "corr-broken",
          failedReason: expect.stringMatching(/userId|version|occurredAt/),
          attemptsMade: 1,
          failedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
        },
        expect.objectContaining({ queue: "outbox", jobId: unknownType.id, name: "UserTeleported", correlationId: "corr-unknown", userId: null }),
      ]),
    );
    expect((await admin("GET", "/admin/dead-letters?queue=outbox")).json().items).toHaveLength(2);
    expect((await admin("GET", "/admin/dead-letters?queue=provisioning")).json()).toEqual({ items: [], total: 0, nextCursor: null });
    const page = (await admin("GET", "/admin/dead-letters?limit=1")).json();
    expect([page.items.length, page.total, page.nextCursor]).toEqual([1, 2, "1"]);
  });

  it("cannot be replayed through the admin API (it would fail its contract again)", async () => {
    const replay = await admin("POST", `/admin/dead-letters/outbox/${broken.id}/replay`);
    expect([replay.statusCode, replay.json().code]).toEqual([409, "not_replayable"]);
  });

  it("is counted by the outbox_dead_letters gauge and not as backlog", async () => {
    const metrics = await ctx.app.inject({ method: "GET", url: "/metrics" });
    expect(metrics.body).toMatch(/^outbox_dead_letters 2$/m);
    expect(metrics.body).toMatch(/^outbox_unpublished_events 0$/m);
  });
});
