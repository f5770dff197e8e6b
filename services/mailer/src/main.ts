import { z } from "zod";
import { queueNames } from "@signup/contracts";
import { consumerTuning, duration, httpUrl, integer, loadConfigOrExit, smtpUrl, workerProcess } from "@signup/config";
import { connectDb } from "@signup/db";
import { createLogger } from "@signup/logger";
import { startMetricsServer, startTelemetry } from "@signup/telemetry";
import { checkRedisPolicy, closeOnSignal, createRedis, startConsumer, assertClusterPrefixOrExit } from "@signup/queue";
import { notifyOwner } from "./handlers/notify-owner.ts";
import { notifyTeamJoined } from "./handlers/notify-team-joined.ts";
import { sendInvite } from "./handlers/send-invite.ts";
import { sendReminder } from "./handlers/send-reminder.ts";
import { reconcileIntent } from "./handlers/send-once.ts";
import { sendSignUpVerification, sendVerification } from "./handlers/send-verification.ts";
import { smtpSender } from "./smtp-sender.ts";

const config = loadConfigOrExit("mailer", {
  ...workerProcess,
  SMTP_URL: smtpUrl,
  PUBLIC_URL: httpUrl,
  MAIL_FROM: z.string().min(3).default("Sign-up <no-reply@signup-pipeline.local>"),
  PRODUCT_NAME: z.string().min(1).default("Signup Pipeline"),
  VERIFY_TOKEN_TTL: duration.default(24 * 3_600_000),
  SIGNUP_URL: httpUrl.optional(),
  // Mail waits on the SMTP server, not the CPU: many in flight, over a pool of SMTP connections.
  // A pooled connection carries ~3.5 mails/s against a server answering in 200 ms (the SMTP
  // commands around the wait), so 150 reach ~380 mails/s; 50 capped the pipeline at ~110 sign-ups/s.
  MAILER_CONCURRENCY: integer(1, 1_000).default(150),
  // Unset: one SMTP connection per mail in flight (the pool is sized with the concurrency).
  SMTP_POOL_SIZE: integer(1, 1_000).optional(),
});
assertClusterPrefixOrExit("mailer", config.REDIS_URL, config.QUEUE_PREFIX);
const telemetry = await startTelemetry({ serviceName: "mailer" });

const logger = createLogger({ name: "mailer", level: config.LOG_LEVEL });
const { db, close } = connectDb(config.DATABASE_URL, { max: config.DB_POOL_MAX, applicationName: "signup-mailer" });
const redis = createRedis(config.REDIS_URL, "worker");
await checkRedisPolicy(redis, logger);
const smtp = smtpSender(config.SMTP_URL, config.MAIL_FROM, { poolSize: config.SMTP_POOL_SIZE ?? config.MAILER_CONCURRENCY });
const deps = {
  db,
  send: smtp.send,
  settings: {
    publicUrl: config.PUBLIC_URL,
    productName: config.PRODUCT_NAME,
    tokenTtlMs: config.VERIFY_TOKEN_TTL,
    signupUrl: config.SIGNUP_URL ?? `${config.PUBLIC_URL.replace(/\/$/, "")}/signup`,
  },
};

const worker = startConsumer({
  queue: queueNames.mail,
  connection: redis,
  prefix: config.QUEUE_PREFIX,
  ...consumerTuning(config),
  logger,
  concurrency: config.MAILER_CONCURRENCY,
  handlers: {
    EmailVerificationPrepared: reconcileIntent(deps, (event) => sendSignUpVerification(event, deps)),
    VerificationRequested: reconcileIntent(deps, (event) => sendVerification(event, deps)),
    SignUpAttemptExisting: reconcileIntent(deps, (event) => notifyOwner(event, deps)),
    InviteAccepted: reconcileIntent(deps, (event) => notifyTeamJoined(event, deps)),
    InviteCreated: reconcileIntent(deps, (event) => sendInvite(event, deps)),
    SignUpStalled: reconcileIntent(deps, (event) => sendReminder(event, deps)),
  },
});
const metrics = await startMetricsServer({ port: config.METRICS_PORT, host: config.HOST });
logger.info({ metricsPort: metrics.port, tracing: telemetry.enabled }, "mailer started");
closeOnSignal(logger, [() => worker.close(), () => smtp.close(), () => redis.disconnect(), close, () => metrics.close(), () => telemetry.shutdown()], {
  timeoutMs: config.SHUTDOWN_TIMEOUT,
});
