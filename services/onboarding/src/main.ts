import { queueNames } from "@signup/contracts";
import { common, integer, loadConfigOrExit, workerTuning, shutdownTimeout } from "@signup/config";
import { connectDb } from "@signup/db";
import { createLogger } from "@signup/logger";
import { checkRedisPolicy, closeOnSignal, createRedis, startConsumer, assertClusterPrefixOrExit } from "@signup/queue";
import { applyInvite } from "./handlers/apply-invite.ts";
import { onboardUser } from "./handlers/onboard-user.ts";

const config = loadConfigOrExit("onboarding", {
  ...shutdownTimeout,
  DATABASE_URL: common.DATABASE_URL,
  REDIS_URL: common.REDIS_URL,
  LOG_LEVEL: common.LOG_LEVEL,
  QUEUE_PREFIX: common.QUEUE_PREFIX,
  ...workerTuning,
  ONBOARDING_CONCURRENCY: integer(1, 1_000).default(20),
});
assertClusterPrefixOrExit("onboarding", config.REDIS_URL, config.QUEUE_PREFIX);

const logger = createLogger({ name: "onboarding", level: config.LOG_LEVEL });
const { db, close } = connectDb(config.DATABASE_URL, { max: config.DB_POOL_MAX, applicationName: "signup-onboarding" });
const redis = createRedis(config.REDIS_URL, "worker");
await checkRedisPolicy(redis, logger);

const worker = startConsumer({
  queue: queueNames.onboarding,
  connection: redis,
  prefix: config.QUEUE_PREFIX,
  lockMs: config.WORKER_LOCK_MS,
  stalledIntervalMs: config.WORKER_STALLED_INTERVAL_MS,
  maxStalledCount: config.WORKER_MAX_STALLED,
  logger,
  concurrency: config.ONBOARDING_CONCURRENCY,
  handlers: {
    EmailVerified: (event) => onboardUser(event, { db }),
    InviteCreated: (event) => applyInvite(event, { db }),
  },
});
logger.info("onboarding started");
closeOnSignal(logger, [() => worker.close(), () => redis.disconnect(), close], { timeoutMs: config.SHUTDOWN_TIMEOUT });
