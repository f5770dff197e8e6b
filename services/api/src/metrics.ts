import { and, count, countOutboxDeadLetters, type Database, isNull, outbox } from "@signup/db";
import type { FastifyInstance } from "fastify";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { QueueSet } from "@signup/queue";
import { docs } from "./openapi.ts";

/**
 * GET /metrics (Prometheus): HTTP traffic, the outbox backlog (events not yet in Redis), outbox
 * rows kept as dead letters and each queue's depth by state, read at scrape time. Queue depth is
 * what workers are scaled on.
 */
export function registerMetrics(app: FastifyInstance, deps: { db: Database; queues?: QueueSet }): void {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({ name: "http_requests_total", help: "HTTP requests", labelNames: ["method", "route", "status"], registers: [registry] });
  const duration = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request duration",
    labelNames: ["method", "route"],
    registers: [registry],
  });
  new Gauge({
    name: "outbox_unpublished_events",
    help: "Events committed but not yet published to Redis (outbox dead letters not included: they never will be)",
    registers: [registry],
    async collect() {
      const [row] = await deps.db
        .select({ n: count() })
        .from(outbox)
        .where(and(isNull(outbox.publishedAt), isNull(outbox.failedAt)));
      this.set(row?.n ?? 0);
    },
  });
  new Gauge({
    name: "outbox_dead_letters",
    help: "Outbox rows no event contract accepts, kept unpublished for an operator (GET /admin/dead-letters?queue=outbox)",
    registers: [registry],
    async collect() {
      this.set(await countOutboxDeadLetters(deps.db));
    },
  });
  new Gauge({
    name: "queue_jobs",
    help: "Jobs per queue and state (failed = dead letters)",
    labelNames: ["queue", "state"],
    registers: [registry],
    async collect() {
      if (!deps.queues) return;
      for (const [name, queue] of deps.queues.queues) {
        try {
          const counts = await queue.getJobCounts("waiting", "active", "delayed", "failed", "completed");
          for (const [state, value] of Object.entries(counts)) this.set({ queue: name, state }, value);
        } catch {
          // Redis down: leave the last values; /readyz reports the outage.
        }
      }
    },
  });

  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? "unmatched";
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1_000);
  });
  app.get("/metrics", docs("Prometheus metrics", { tags: ["operations"] }), async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
}
