import { createHash, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "@signup/logger";
import { createRedis } from "@signup/queue";
import { createTestDatabase, dropQueuePrefix, testRedisUrl, uniqueQueuePrefix, waitUntil, type TestDatabase } from "@signup/test";
import { startLifecycle } from "../src/start-lifecycle.ts";
import { sweepSignUps } from "../src/sweep.ts";

const hour = 3_600_000;
const settings = { remindAfterMs: 24 * hour, abandonAfterMs: 7 * 24 * hour, batchSize: 50 };

describe("reminders and abandonment, on an injected clock", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.drop());

  /** A sign-up as the API leaves it, with an account it recorded (pending, provisioned at the IdP). */
  async function openSignUp(email: string, createdAt: Date) {
    const id = randomUUID();
    const userId = randomUUID();
    await database.sql`insert into users (id, email, email_normalized, correlation_id, idp, idp_internal_id, idp_status) values (${userId}, ${email}, ${email}, 'c', 'local', 'idp-123', 'provisioned')`;
    await database.sql`insert into sign_ups (id, client_token_hash, correlation_id, email_address, email_normalized, first_name, unsafe_metadata, user_id, owns_user, created_at)
      values (${id}, 'h', ${`corr-${id}`}, ${email}, ${email}, 'Pat', '{"plan":"pro"}'::jsonb, ${userId}, true, ${createdAt.toISOString()})`;
    return { id, userId };
  }

  it("two schedulers over BullMQ's job scheduler remind an unfinished sign-up exactly once", async () => {
    const start = new Date("2026-12-01T00:00:00Z");
    const { id } = await openSignUp("remind.me@example.com", start);
    let clock = new Date(start.getTime() + 25 * hour);
    const redisUrl = testRedisUrl();
    const prefix = uniqueQueuePrefix();
    const connections = [createRedis(redisUrl, "worker"), createRedis(redisUrl, "worker")];
    const logger = createLogger({ name: "lifecycle-test", level: "silent" });
    const replicas = await Promise.all(
      connections.map((connection) =>
        startLifecycle({ db: database.db, connection, prefix, logger, settings: { ...settings, everyMs: 100 }, now: () => clock }),
      ),
    );
    try {
      await waitUntil(async () => (await database.sql`select reminded_at from sign_ups where id = ${id}`)[0]!.reminded_at, {
        timeoutMs: 10_000,
        what: "the reminder",
      });
      await new Promise((resolve) => setTimeout(resolve, 500)); // several more sweeps by both replicas
      const events = await database.sql`select type from outbox where envelope->'data'->>'signUpId' = ${id}`;
      expect(events.map((e) => e.type)).toEqual(["SignUpStalled"]);
      clock = new Date(start.getTime() + 8 * 24 * hour);
      await waitUntil(async () => (await database.sql`select status from sign_ups where id = ${id}`)[0]!.status === "abandoned", {
        timeoutMs: 10_000,
        what: "abandonment",
      });
    } finally {
      await Promise.all(replicas.map((replica) => replica.close()));
      for (const connection of connections) connection.disconnect();
      await dropQueuePrefix(redisUrl, prefix);
    }
  });

  it("abandonment erases the personal fields, keeps the address as a hash, removes the pending account and frees the address", async () => {
    const start = new Date("2026-11-01T00:00:00Z");
    const { id, userId } = await openSignUp("gone@example.com", start);
    const now = new Date(start.getTime() + 7 * 24 * hour + 1);
    expect(await sweepSignUps(database.db, now, settings)).toMatchObject({ abandoned: 1 });
    // Run again (a retried job, a second replica): nothing more happens.
    expect(await sweepSignUps(database.db, now, settings)).toEqual({ reminded: 0, abandoned: 0 });

    const [row] = await database.sql`select * from sign_ups where id = ${id}`;
    expect(row).toMatchObject({
      status: "abandoned",
      email_address: null,
      email_normalized: null,
      first_name: null,
      unsafe_metadata: {},
      user_id: null,
      email_hash: createHash("sha256").update("gone@example.com").digest("hex"),
    });
    expect(new Date(row!.abandon_at).toISOString()).toBe(now.toISOString());
    expect(await database.sql`select 1 from users where id = ${userId}`).toHaveLength(0);
    const events = await database.sql`select envelope from outbox where type = 'SignUpAbandoned' and envelope->'data'->>'signUpId' = ${id}`;
    expect(events.map((e) => e.envelope.data)).toEqual([{ signUpId: id, userId, idp: "local", idpInternalId: "idp-123" }]);
    const audit = await database.sql`select action, data from audit_log where correlation_id = ${`corr-${id}`}`;
    expect(audit.map((a) => a.action)).toEqual(["sign_up.abandoned"]);
    expect(JSON.stringify(audit)).not.toContain("gone@example.com");

    // The address is free: a new account can be recorded for it.
    await database.sql`insert into users (id, email, email_normalized, correlation_id) values (${randomUUID()}, 'gone@example.com', 'gone@example.com', 'again')`;
  });

  it("works in bounded batches and never abandons a sign-up younger than the limit", async () => {
    const start = new Date("2026-10-01T00:00:00Z");
    for (let i = 0; i < 5; i++) await openSignUp(`batch${i}@example.com`, start);
    const young = await openSignUp("young@example.com", new Date(start.getTime() + 7 * 24 * hour));
    const now = new Date(start.getTime() + 7 * 24 * hour + 60_000);
    const small = { ...settings, batchSize: 2 };
    const counts = [];
    for (let round = 0; round < 4; round++) counts.push((await sweepSignUps(database.db, now, small)).abandoned);
    expect(counts).toEqual([2, 2, 1, 0]);
    expect((await database.sql`select status from sign_ups where id = ${young.id}`)[0]!.status).toBe("missing_requirements");
  });
});
