import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "@signup/logger";

/**
 * Workers block on Redis and must wait out an outage (maxRetriesPerRequest: null); producers must
 * fail fast instead, so the outbox keeps the event and the relay tries again later.
 */
export function createRedis(url: string, role: "worker" | "producer", extra: RedisOptions = {}): Redis {
  const base: RedisOptions =
    role === "worker"
      ? { maxRetriesPerRequest: null }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 };
  return new Redis(url, {
    ...base,
    retryStrategy: (times) => Math.min(200 * times, 2_000),
    lazyConnect: false,
    ...extra,
  });
}

/** BullMQ loses jobs under any eviction policy but noeviction; say so loudly at start-up. */
export async function checkRedisPolicy(redis: Redis, logger: Logger): Promise<void> {
  try {
    const reply = (await redis.config("GET", "maxmemory-policy")) as string[];
    const policy = reply[1];
    if (policy && policy !== "noeviction") {
      logger.warn({ policy }, "Redis maxmemory-policy should be noeviction: queued jobs can be evicted");
    }
  } catch {
    // Managed Redis often forbids CONFIG; BullMQ checks again on its own.
  }
}
