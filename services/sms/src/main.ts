import { z } from "zod";
import { consumerTuning, integer, loadConfigOrExit, workerProcess } from "@signup/config";
import { connectDb } from "@signup/db";
import { createLogger } from "@signup/logger";
import { startMetricsServer, startTelemetry } from "@signup/telemetry";
import { checkRedisPolicy, closeOnSignal, createRedis, assertClusterPrefixOrExit } from "@signup/queue";
import { selectProvider } from "./providers/select-provider.ts";
import { smsUrl } from "./providers/sms-url.ts";
import { startSmsWorker } from "./start-sms-worker.ts";

const config = loadConfigOrExit("sms", {
  ...workerProcess,
  // Parsed here, so an unknown scheme or a malformed Twilio URL is listed with the other problems.
  SMS_URL: smsUrl,
  SMS_CONCURRENCY: integer(1, 200).default(20),
  SMS_TIMEOUT_MS: integer(100, 120_000).default(10_000),
  PRODUCT_NAME: z.string().min(1).default("Signup Pipeline"),
});
assertClusterPrefixOrExit("sms", config.REDIS_URL, config.QUEUE_PREFIX);
const telemetry = await startTelemetry({ serviceName: "sms" });

const logger = createLogger({ name: "sms", level: config.LOG_LEVEL });
// Jobs spend most of their time waiting on the provider, not holding a connection: a small pool serves many.
const { db, close } = connectDb(config.DATABASE_URL, { max: config.DB_POOL_MAX, applicationName: "signup-sms" });
const redis = createRedis(config.REDIS_URL, "worker");
await checkRedisPolicy(redis, logger);
const provider = selectProvider(config.SMS_URL, { logger, timeoutMs: config.SMS_TIMEOUT_MS });

const worker = startSmsWorker({
  connection: redis,
  prefix: config.QUEUE_PREFIX,
  ...consumerTuning(config),
  logger,
  concurrency: config.SMS_CONCURRENCY,
  deps: { db, provider, productName: config.PRODUCT_NAME },
});
const metrics = await startMetricsServer({ port: config.METRICS_PORT, host: config.HOST });
logger.info({ provider: provider.name, metricsPort: metrics.port, tracing: telemetry.enabled }, "sms started");
closeOnSignal(logger, [() => worker.close(), () => redis.disconnect(), close, () => metrics.close(), () => telemetry.shutdown()], {
  timeoutMs: config.SHUTDOWN_TIMEOUT,
});
