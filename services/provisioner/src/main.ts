import { queueNames } from "@signup/contracts";
import { consumerTuning, integer, loadConfigOrExit, workerProcess } from "@signup/config";
import { connectDb } from "@signup/db";
import { createLogger } from "@signup/logger";
import { startMetricsServer, startTelemetry } from "@signup/telemetry";
import { checkRedisPolicy, closeOnSignal, createRedis, startConsumer, assertClusterPrefixOrExit } from "@signup/queue";
import { idpConfigShape, selectAdapter } from "./adapters/select-adapter.ts";
import { deprovisionUser, recordDeprovisionFailed } from "./handlers/deprovision-user.ts";
import { markProvisioningFailed, provisionUser } from "./handlers/provision-user.ts";

const config = loadConfigOrExit("provisioner", {
  ...workerProcess,
  // IdP calls take tens to hundreds of ms each: sized for that latency, not for the CPU
  // (150 in flight against an IdP answering in 300 ms: ~500 users/s; a 429 waits for Retry-After).
  PROVISIONER_CONCURRENCY: integer(1, 1_000).default(150),
  // IDP and the chosen IdP's own variables, validated in the same pass so every problem is listed at
  // once; the result is typed by IDP, so selectAdapter takes it as it is.
  ...idpConfigShape(process.env.IDP),
});
assertClusterPrefixOrExit("provisioner", config.REDIS_URL, config.QUEUE_PREFIX);
const telemetry = await startTelemetry({ serviceName: "provisioner" });

const logger = createLogger({ name: "provisioner", level: config.LOG_LEVEL });
const { db, close } = connectDb(config.DATABASE_URL, { max: config.DB_POOL_MAX, applicationName: "signup-provisioner" });
const redis = createRedis(config.REDIS_URL, "worker");
await checkRedisPolicy(redis, logger);
const deps = { db, adapter: selectAdapter(config, { db }) };

const worker = startConsumer({
  queue: queueNames.provisioning,
  connection: redis,
  prefix: config.QUEUE_PREFIX,
  ...consumerTuning(config),
  logger,
  concurrency: config.PROVISIONER_CONCURRENCY,
  handlers: {
    UserRegistered: (event) => provisionUser(event, deps),
    SignUpAbandoned: (event) => deprovisionUser(event, deps),
  },
  // Only a failed provisioning has a users row to mark; an abandoned sign-up's row is gone already.
  onDeadLetter: (event, error) => (event.type === "UserRegistered" ? markProvisioningFailed(event, error, deps) : recordDeprovisionFailed(event, error, deps)),
});
const metrics = await startMetricsServer({ port: config.METRICS_PORT, host: config.HOST });
logger.info({ idp: config.IDP, metricsPort: metrics.port, tracing: telemetry.enabled }, "provisioner started");
closeOnSignal(logger, [() => worker.close(), () => redis.disconnect(), close, () => metrics.close(), () => telemetry.shutdown()], {
  timeoutMs: config.SHUTDOWN_TIMEOUT,
});
