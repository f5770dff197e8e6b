import { queueNames } from "@signup/contracts";
import { consumerTuning, integer, loadConfigOrExit, workerProcess } from "@signup/config";
import { connectDb } from "@signup/db";
import { createLogger } from "@signup/logger";
import { startMetricsServer, startTelemetry } from "@signup/telemetry";
import { checkRedisPolicy, closeOnSignal, createRedis, startConsumer, assertClusterPrefixOrExit } from "@signup/queue";
import { applyInvite } from "./handlers/apply-invite.ts";
import { onboardUser } from "./handlers/onboard-user.ts";

const config = loadConfigOrExit("onboarding", {
  ...workerProcess,
  ONBOARDING_CONCURRENCY: integer(1, 1_000).default(20),
});
assertClusterPrefixOrExit("onboarding", config.REDIS_URL, config.QUEUE_PREFIX);
const telemetry = await startTelemetry({ serviceName: "onboarding" });

const logger = createLogger({ name: "onboarding", level: config.LOG_LEVEL });
const { db, close } = connectDb(config.DATABASE_URL, { max: config.DB_POOL_MAX, applicationName: "signup-onboarding" });
const redis = createRedis(config.REDIS_URL, "worker");
await checkRedisPolicy(redis, logger);

const worker = startConsumer({
  queue: queueNames.onboarding,
  connection: redis,
  prefix: config.QUEUE_PREFIX,
  ...consumerTuning(config),
  logger,
  concurrency: config.ONBOARDING_CONCURRENCY,
  handlers: {
    EmailVerified: (event) => onboardUser(event, { db }),
    InviteCreated: (event) => applyInvite(event, { db }),
  },
});
const metrics = await startMetricsServer({ port: config.METRICS_PORT, host: config.HOST });
logger.info({ metricsPort: metrics.port, tracing: telemetry.enabled }, "onboarding started");
closeOnSignal(logger, [() => worker.close(), () => redis.disconnect(), close, () => metrics.close(), () => telemetry.shutdown()], {
  timeoutMs: config.SHUTDOWN_TIMEOUT,
});
