import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { Queue } from "bullmq";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserRegistered, EmailVerified, allQueueNames, queueNames, routes } from "@signup/contracts";
import { connectDb, enqueueEvent } from "@signup/db";
import { repoRoot } from "@signup/local-infra";
import { createLogger } from "@signup/logger";
import { createPublisher, createRedis } from "@signup/queue";
import { createTestDatabase, dropQueuePrefix, startRedisServer, testRedisUrl, uniqueQueuePrefix, waitUntil, type TestDatabase } from "@signup/test";
import { relayBatch } from "../src/relay.ts";
import { runRelay } from "../src/run-relay.ts";

const logger = createLogger({ name: "relay-test", level: "silent" });

describe("outbox relay", () => {
  let database: TestDatabase;
  const prefix = uniqueQueuePrefix();
  const redis = createRedis(testRedisUrl(), "producer");
  const publisher = createPublisher(redis, { prefix });
  const queue = (name: string) => new Queue(name, { connection: redis, prefix });

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await publisher.close();
    redis.disconnect();
    await database?.drop();
    await dropQueuePrefix(testRedisUrl(), prefix);
  });

  const addEvents = (count: number, db = database.db) =>
    db.transaction(async (tx) => {
      const events = Array.from({ length: count }, () => UserRegistered.create({ userId: randomUUID() }, { correlationId: "c" }));
      for (const event of events) await enqueueEvent(tx, event);
      return events;
    });

  it("fans each event out to its queues with jobId = event id and marks it published", async () => {
    const [event] = await addEvents(1);
    const verified = EmailVerified.create({ userId: randomUUID() }, { correlationId: "c" });
    await enqueueEvent(database.db, verified);
    expect(await relayBatch({ db: database.db, publisher, logger, batchSize: 100 })).toBe(2);

    for (const name of routes.UserRegistered) {
      const job = await queue(name).getJob(event!.id);
      expect(job?.name).toBe("UserRegistered");
      expect(job?.data).toEqual(event);
    }
    for (const name of allQueueNames.filter((q) => !(routes.UserRegistered as readonly string[]).includes(q))) {
      expect(await queue(name).getJob(event!.id)).toBeUndefined();
    }
    expect((await queue(queueNames.onboarding).getJob(verified.id))?.name).toBe("EmailVerified");
    const unpublished = await database.sql`select count(*)::int as n from outbox where published_at is null`;
    expect(unpublished[0]!.n).toBe(0);
  });

  it("two relays at once publish every event exactly once", async () => {
    const events = await addEvents(60);
    const relayAll = async () => {
      let total = 0;
      for (let n = -1; n !== 0; ) total += n = await relayBatch({ db: database.db, publisher, logger, batchSize: 7 });
      return total;
    };
    const [a, b] = await Promise.all([relayAll(), relayAll()]);
    expect(a + b).toBe(60);
    const counts = await queue(queueNames.provisioning).getJobCounts("waiting");
    expect(counts.waiting).toBeGreaterThanOrEqual(60);
    for (const event of events.slice(0, 5)) expect(await queue(queueNames.provisioning).getJob(event.id)).toBeDefined();
  });

  it("keeps events in the outbox while Redis is unreachable", async () => {
    const dir = join(repoRoot, ".data", `relay-test-redis-${process.pid}`);
    const ownRedis = await startRedisServer({ dir, persist: false });
    const connection = createRedis(ownRedis.url, "producer");
    connection.on("error", () => {});
    const downPublisher = createPublisher(connection, { prefix, timeoutMs: 1_000 });
    await ownRedis.stop();
    const [event] = await addEvents(1);
    await expect(relayBatch({ db: database.db, publisher: downPublisher, logger, batchSize: 100 })).rejects.toThrow();
    const [row] = await database.sql`select published_at from outbox where id = ${event!.id}`;
    expect(row!.published_at).toBeNull();
    connection.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it("an idle relay polls with one statement, no transaction, and publishes what is committed meanwhile", async () => {
    // No NOTIFY on commit (it serialised every event writer's commit): the outbox has no trigger.
    const triggers = await database.sql`select tgname from pg_trigger where tgrelid = 'outbox'::regclass and not tgisinternal`;
    expect(triggers).toEqual([]);

    const statements: string[] = [];
    const watched = connectDb(database.url, { max: 1, onQuery: (statement) => statements.push(statement.trim().split(/\s+/)[0]!.toLowerCase()) });
    const relay = runRelay({ db: watched.db, publisher, logger, batchSize: 100, pollMs: 20, gatherMs: 0 });
    try {
      const drained = async () => (await database.sql`select count(*)::int as n from outbox where published_at is null and failed_at is null`)[0]!.n === 0;
      const until = (done: () => Promise<boolean>, what: string) => waitUntil(done, { timeoutMs: 5_000, intervalMs: 20, what });
      await until(drained, "the outbox to drain"); // an event an earlier test left behind goes first
      await new Promise((resolve) => setTimeout(resolve, 100));
      statements.length = 0;
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(statements.length).toBeGreaterThan(2);
      expect(new Set(statements)).toEqual(new Set(["select"]));

      const [event] = await addEvents(1);
      await until(async () => (await queue(queueNames.provisioning).getJob(event!.id)) !== undefined, "the new event's job");
      await until(drained, "the outbox to drain again");
    } finally {
      await relay.stop();
      await watched.close();
    }
  });

  it("polls and claims by walking the unpublished rows' index, never a bitmap or sequential scan", async () => {
    // A fresh database without statistics, with published rows behind the index, as a server
    // without autovacuum keeps them; auto_explain shows the plans of the functions' own statements.
    const fresh = await createTestDatabase();
    const plans: string[] = [];
    const session = postgres(fresh.url, { max: 1, onnotice: (notice) => void (notice.message?.includes("plan:") && plans.push(notice.message)) });
    try {
      await addEvents(300, fresh.db);
      await fresh.sql`update outbox set published_at = now()`;
      await session.unsafe("load 'auto_explain'");
      await session.unsafe("set auto_explain.log_min_duration = 0; set auto_explain.log_nested_statements = on; set client_min_messages = log");
      expect((await session`select outbox_has_unpublished() as found`)[0]!.found).toBe(false);
      await session.begin((tx) => tx`select * from outbox_claim_unpublished(100)`);

      const inner = plans.filter((plan) => /from outbox\b/i.test(plan));
      expect(inner).toHaveLength(2);
      for (const plan of inner) {
        expect(plan).toContain("Index Scan using outbox_unpublished_idx");
        expect(plan).not.toMatch(/Bitmap|Seq Scan/);
      }
    } finally {
      await session.end();
      await fresh.drop();
    }
  });
});
