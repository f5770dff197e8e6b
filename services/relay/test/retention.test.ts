import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { UserRegistered } from "@signup/contracts";
import { enqueueEvent } from "@signup/db";
import { createLogger } from "@signup/logger";
import { createTestDatabase, waitUntil, type TestDatabase } from "@signup/test";
import { deletePublishedBatch, pruneOutbox, runRetention } from "../src/retention.ts";

const logger = createLogger({ name: "retention-test", level: "silent" });
const week = 7 * 86_400_000;

describe("outbox retention", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await database.sql`delete from outbox`;
  });
  afterAll(async () => {
    await database?.drop();
  });

  /** Rows as the relay leaves them; ages are days before now. */
  async function plant(count: number, state: { publishedDaysAgo?: number; failedDaysAgo?: number; createdDaysAgo?: number }): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const event = UserRegistered.create({ userId: randomUUID() }, { correlationId: "c" });
      await enqueueEvent(database.db, event);
      // Ages in SQL: the test client's date serializers belong to drizzle.
      const ago = (days: number | undefined) => database.sql`now() - make_interval(days => ${days ?? null}::int)`;
      await database.sql`update outbox set created_at = coalesce(${ago(state.createdDaysAgo)}, created_at), published_at = ${ago(state.publishedDaysAgo)},
        failed_at = ${ago(state.failedDaysAgo)}, failed_reason = ${state.failedDaysAgo === undefined ? null : "broken"} where id = ${event.id}`;
      ids.push(event.id);
    }
    return ids;
  }
  const remaining = async () => (await database.sql<{ id: string }[]>`select id from outbox order by id`).map((row) => row.id).sort();

  it("deletes published rows past the retention, one bounded batch at a time, and nothing else", async () => {
    await plant(25, { publishedDaysAgo: 8, createdDaysAgo: 8 });
    const kept = [
      ...(await plant(3, { publishedDaysAgo: 6, createdDaysAgo: 8 })), // published recently
      ...(await plant(2, { createdDaysAgo: 30 })), // old but never published: still to relay
      ...(await plant(1, { failedDaysAgo: 30, createdDaysAgo: 30 })), // an old dead letter
    ].sort();

    expect(await deletePublishedBatch(database.db, week, 10)).toBe(10);
    expect(await remaining()).toHaveLength(15 + kept.length);
    expect(await pruneOutbox({ db: database.db, logger, retentionMs: week, batchSize: 10, pauseMs: 1 })).toBe(15);
    expect(await remaining()).toEqual(kept);
    expect(await pruneOutbox({ db: database.db, logger, retentionMs: week, batchSize: 10, pauseMs: 1 })).toBe(0);
  });

  it("never waits for rows another transaction holds: it skips them and they go next time", async () => {
    const ids = await plant(6, { publishedDaysAgo: 8 });
    const locked = ids.slice(0, 2);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const holder = database.sql.begin(async (tx) => {
      await tx`select id from outbox where id in ${tx(locked)} for update`;
      holding();
      await released;
    });
    await held;
    try {
      // A lock wait would last until the holder lets go, which it does only after this.
      const waited = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("retention waited for a lock")), 3_000).unref());
      expect(await Promise.race([pruneOutbox({ db: database.db, logger, retentionMs: week, batchSize: 100, pauseMs: 1 }), waited])).toBe(4);
      expect((await remaining()).sort()).toEqual([...locked].sort());
    } finally {
      release();
      await holder;
    }
    expect(await deletePublishedBatch(database.db, week, 100)).toBe(2);
  });

  it("runs at start and again every interval until stopped", async () => {
    await plant(3, { publishedDaysAgo: 8 });
    const loop = runRetention({ db: database.db, logger, retentionMs: week, intervalMs: 200, pauseMs: 1 });
    try {
      await waitUntil(async () => (await remaining()).length === 0, { timeoutMs: 5_000, what: "the first pass" });
      await plant(2, { publishedDaysAgo: 8 });
      await waitUntil(async () => (await remaining()).length === 0, { timeoutMs: 5_000, what: "the next pass" });
    } finally {
      await loop.stop();
    }
    await plant(1, { publishedDaysAgo: 8 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await remaining()).toHaveLength(1);
  });

  it("OUTBOX_RETENTION=0 keeps every row", async () => {
    await plant(2, { publishedDaysAgo: 400 });
    const loop = runRetention({ db: database.db, logger, retentionMs: 0, intervalMs: 50 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await loop.stop();
    expect(await remaining()).toHaveLength(2);
  });
});
