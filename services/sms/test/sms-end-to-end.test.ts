import { randomUUID } from "node:crypto";
import type { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PhoneVerificationPrepared, queueNames } from "@signup/contracts";
import { createLogger } from "@signup/logger";
import { createPublisher, createRedis, openQueues, replayDeadLetter, type Publisher, type QueueSet } from "@signup/queue";
import { createTestDatabase, dropQueuePrefix, testRedisUrl, uniqueQueuePrefix, waitUntil, type TestDatabase } from "@signup/test";
import { startTwilioServer, type TwilioServer } from "@signup/test/sms-servers";
import { selectProvider } from "../src/providers/select-provider.ts";
import { startSmsWorker } from "../src/start-sms-worker.ts";

/** Through real BullMQ: the worker main.ts runs, in-process, with Twilio's contract server behind it. */
describe("sms worker end to end (BullMQ, PostgreSQL, Twilio contract server)", () => {
  const prefix = uniqueQueuePrefix();
  const redis = createRedis(testRedisUrl(), "worker");
  const producer = createRedis(testRedisUrl(), "producer");
  let database: TestDatabase;
  let twilio: TwilioServer;
  let worker: Worker;
  let publisher: Publisher;
  let queues: QueueSet;

  beforeAll(async () => {
    [database, twilio] = await Promise.all([createTestDatabase(), startTwilioServer()]);
    const logger = createLogger({ name: "sms", level: "silent" });
    const provider = selectProvider(twilio.smsUrl(), { logger, timeoutMs: 2_000 });
    worker = startSmsWorker({ connection: redis, prefix, logger, concurrency: 4, deps: { db: database.db, provider, productName: "Acme" } });
    // Small backoff so the retries of a 500 happen within the test.
    publisher = createPublisher(producer, { prefix, backoffMs: 50 });
    queues = openQueues(redis, prefix);
  });
  afterAll(async () => {
    await worker?.close();
    await publisher?.close();
    await queues?.close();
    redis.disconnect();
    producer.disconnect();
    await dropQueuePrefix(testRedisUrl(), prefix);
    await twilio?.close();
    await database?.drop();
  });

  async function signUpWithPhone(phone: string): Promise<string> {
    const id = randomUUID();
    await database.sql`
      insert into sign_ups (id, client_token_hash, correlation_id, phone_number, phone_expire_at)
      values (${id}, ${randomUUID()}, 'corr-e2e', ${phone}, ${new Date(Date.now() + 10 * 60_000).toISOString()}::timestamptz)`;
    return id;
  }
  const smsQueue = () => {
    const queue = queues.queues.get(queueNames.sms);
    if (!queue) throw new Error("no sms queue");
    return queue;
  };
  const jobState = async (jobId: string) => (await smsQueue().getJob(jobId))?.getState();

  it("provider 500 twice: retried with backoff, exactly one SMS in the end", async () => {
    const phone = "+15555550101";
    const event = PhoneVerificationPrepared.create({ signUpId: await signUpWithPhone(phone) }, { correlationId: "corr-e2e" });
    twilio.faults.add({ type: "status", status: 500 }, 2);
    await publisher.publish([event]);

    await waitUntil(async () => (await jobState(event.id)) === "completed", { timeoutMs: 15_000, what: "the job to complete" });
    expect(twilio.messages.filter((m) => m.to === phone)).toHaveLength(1);
    expect(twilio.requests.filter((r) => (r.body as { To?: string } | undefined)?.To === phone)).toHaveLength(3);
    // BullMQ counts the successful attempt too: two failures, then the third went through.
    expect((await smsQueue().getJob(event.id))?.attemptsMade).toBe(3);
    const [row] = await database.sql`select count(*)::int as n from phone_codes where event_id = ${event.id}`;
    expect(row?.n).toBe(1);
  });

  it("provider 400: a dead letter after one attempt with the provider's text; replayed, it is delivered", async () => {
    const phone = "+15555550102";
    const event = PhoneVerificationPrepared.create({ signUpId: await signUpWithPhone(phone) }, { correlationId: "corr-e2e" });
    twilio.faults.add({
      type: "status",
      status: 400,
      body: { code: 21610, message: `Attempt to send to unsubscribed recipient ${phone}`, more_info: "https://www.twilio.com/docs/errors/21610", status: 400 },
    });
    await publisher.publish([event]);

    await waitUntil(async () => (await jobState(event.id)) === "failed", { timeoutMs: 15_000, what: "the job to fail" });
    const failed = await smsQueue().getJob(event.id);
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toBe("Twilio POST Messages.json answered 400: 21610 Attempt to send to unsubscribed recipient +1555•••0102");
    expect(JSON.stringify(failed?.stacktrace)).not.toContain("5555550102");
    expect(twilio.messages.filter((m) => m.to === phone)).toHaveLength(0);

    twilio.faults.clear();
    expect((await replayDeadLetter(queues, queueNames.sms, event.id)).status).toBe("replayed");
    const sms = await twilio.waitForMessage((m) => m.to === phone);
    expect(sms.body).toMatch(/^\d{6} is your Acme verification code\.$/);
    await waitUntil(async () => (await jobState(event.id)) === "completed", { timeoutMs: 15_000, what: "the replayed job to complete" });
    const [audit] = await database.sql`select data from audit_log where event_id = ${event.id} and action = 'phone_code.sent'`;
    expect(audit?.data).toMatchObject({ to: "+1555•••0102" });
  });
});
