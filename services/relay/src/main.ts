import { duration, integer, loadConfigOrExit, queueProcess } from "@signup/config";
import { connectDb } from "@signup/db";
import { createLogger } from "@signup/logger";
import { closeOnSignal, createPublisher, createRedis, assertClusterPrefixOrExit } from "@signup/queue";
import { startMetricsServer, startTelemetry, trackOutboxLag } from "@signup/telemetry";
import { runRelay } from "./run-relay.ts";
import { runRetention } from "./retention.ts";

const config = loadConfigOrExit("relay", {
  ...queueProcess,
  /** How often an idle relay looks for new events: at most this much delay per outbox hop. */
  RELAY_POLL_MS: integer(10, 60_000).default(50),
  RELAY_BATCH_SIZE: integer(1, 10_000).default(200),
  /** After a batch that was not full, how long the relay gathers before the next (0: at once). */
  RELAY_GATHER_MS: integer(0, 1_000).default(10),
  /** Retry policy stamped on each job: attempts, and the first backoff (doubled each retry, with jitter). */
  JOB_ATTEMPTS: integer(1, 100).default(8),
  JOB_BACKOFF_MS: integer(10, 3_600_000).default(1_000),
  /** Published outbox rows older than this are deleted (in batches, once a minute); "0" keeps them. */
  OUTBOX_RETENTION: duration.default(7 * 86_400_000),
});
assertClusterPrefixOrExit("relay", config.REDIS_URL, config.QUEUE_PREFIX);
const telemetry = await startTelemetry({ serviceName: "relay" });

const logger = createLogger({ name: "relay", level: config.LOG_LEVEL });
const { db, sql, close } = connectDb(config.DATABASE_URL, { max: 3, applicationName: "signup-relay" });
const redis = createRedis(config.REDIS_URL, "producer");
redis.on("error", () => {}); // reconnects on its own; the relay loop reports the outage once
const publisher = createPublisher(redis, { prefix: config.QUEUE_PREFIX, attempts: config.JOB_ATTEMPTS, backoffMs: config.JOB_BACKOFF_MS });

const relay = runRelay({ db, publisher, logger, pollMs: config.RELAY_POLL_MS, gatherMs: config.RELAY_GATHER_MS, batchSize: config.RELAY_BATCH_SIZE });
const retention = runRetention({ db, logger, retentionMs: config.OUTBOX_RETENTION });
// Read at scrape time; the partial index on unpublished rows makes it one index probe.
trackOutboxLag(async () => {
  const [row] = await sql<
    Array<{ lag: number }>
  >`select extract(epoch from now() - created_at)::float8 as lag from outbox where published_at is null and failed_at is null order by created_at limit 1`;
  return row?.lag ?? 0;
});
const metrics = await startMetricsServer({ port: config.METRICS_PORT, host: config.HOST });
logger.info({ metricsPort: metrics.port, tracing: telemetry.enabled }, "relay started");

// Telemetry last: its flush sends the spans of everything stopped before it.
closeOnSignal(
  logger,
  [() => relay.stop(), () => retention.stop(), () => publisher.close(), () => redis.disconnect(), close, () => metrics.close(), () => telemetry.shutdown()],
  { timeoutMs: config.SHUTDOWN_TIMEOUT },
);
