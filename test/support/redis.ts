import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { inject } from "vitest";

export function testRedisUrl(): string {
  return inject("redisUrl");
}

/** A BullMQ key prefix of this test's own: tests share one Redis without seeing each other's jobs. */
export function uniqueQueuePrefix(): string {
  return `test-${randomBytes(5).toString("hex")}`;
}

/** Deletes every key under the prefix when a test is done with it. */
export async function dropQueuePrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}
