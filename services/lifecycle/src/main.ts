import { duration, integer, loadConfigOrExit, workerProcess } from "@signup/config";
import { connectDb } from "@signup/db";
import { createLogger } from "@signup/logger";
import { startMetricsServer, startTelemetry } from "@signup/telemetry";
import { checkRedisPolicy, closeOnSignal, createRedis, assertClusterPrefixOrExit } from "@signup/queue";
import { startLifecycle } from "./start-lifecycle.ts";

const config = loadConfigOrExit("lifecycle", {
  ...workerProcess,
  SIGNUP_REMIND_AFTER: duration.default(24 * 3_600_000),
  SIGNUP_ABANDON_AFTER: duration.default(7 * 24 * 3_600_000),
  LIFECYCLE_EVERY: duration.default(60_000),
  LIFECYCLE_BATCH_SIZE: integer(1, 10_000).default(500),
});
assertClusterPrefixOrExit("lifecycle", config.REDIS_URL, config.QUEUE_PREFIX);
const telemetry = await startTelemetry({ serviceName: "lifecycle" });

const logger = createLogger({ name: "lifecycle", level: config.LOG_LEVEL });
const { db, close } = connectDb(config.DATABASE_URL, { max: 2, applicationName: "signup-lifecycle" });
const redis = createRedis(config.REDIS_URL, "worker");
await checkRedisPolicy(redis, logger);
const lifecycle = await startLifecycle({
  db,
  connection: redis,
  prefix: config.QUEUE_PREFIX,
  logger,
  settings: {
    remindAfterMs: config.SIGNUP_REMIND_AFTER,
    abandonAfterMs: config.SIGNUP_ABANDON_AFTER,
    batchSize: config.LIFECYCLE_BATCH_SIZE,
    everyMs: config.LIFECYCLE_EVERY,
  },
});
const metrics = await startMetricsServer({ port: config.METRICS_PORT, host: config.HOST });
logger.info({ metricsPort: metrics.port, tracing: telemetry.enabled }, "lifecycle started");
closeOnSignal(logger, [() => lifecycle.close(), () => redis.disconnect(), close, () => metrics.close(), () => telemetry.shutdown()], {
  timeoutMs: config.SHUTDOWN_TIMEOUT,
});
