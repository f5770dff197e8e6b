import { sql } from "@signup/db";
import type { FastifyInstance } from "fastify";
import type { Database } from "@signup/db";
import { checkRedisReady, type RedisConnection } from "@signup/queue";
import { docs } from "../openapi.ts";

const withTimeout = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timeout")), ms).unref())]);

export function healthRoutes(app: FastifyInstance, deps: { db: Database; redis?: RedisConnection }): void {
  app.get("/healthz", docs("Liveness", { tags: ["operations"] }), async () => ({ status: "ok" }));

  /**
   * Ready means "can accept sign-ups", which needs Postgres only: Redis is reported but does not
   * fail readiness, or a Redis outage would take every API replica out of the load balancer.
   */
  app.get("/readyz", docs("Readiness: 503 only when PostgreSQL is down", { tags: ["operations"] }), async (_request, reply) => {
    const check = async (fn: () => Promise<unknown>) => {
      try {
        await withTimeout(fn(), 1_000);
        return "ok" as const;
      } catch {
        return "down" as const;
      }
    };
    const [db, redis] = await Promise.all([
      check(() => deps.db.execute(sql`select 1`)),
      deps.redis ? check(() => checkRedisReady(deps.redis!)) : Promise.resolve("not_configured" as const),
    ]);
    return reply.status(db === "ok" ? 200 : 503).send({ status: db === "ok" ? (redis === "down" ? "degraded" : "ok") : "down", checks: { db, redis } });
  });
}
