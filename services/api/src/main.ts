import { common, duration, httpUrl, integer, loadConfigOrExit } from "@signup/config";
import { connectDb } from "@signup/db";
import { createLogger } from "@signup/logger";
import { closeOnSignal, createRedis, openQueues } from "@signup/queue";
import { z } from "zod";
import { signupFieldsSetting } from "./account/signup-fields.ts";
import { buildApp } from "./app.ts";

const config = loadConfigOrExit("api", {
  DATABASE_URL: common.DATABASE_URL,
  REDIS_URL: common.REDIS_URL.optional(),
  LOG_LEVEL: common.LOG_LEVEL,
  QUEUE_PREFIX: common.QUEUE_PREFIX,
  PORT: integer(0, 65_535).default(3000),
  HOST: z.string().default("127.0.0.1"),
  ADMIN_TOKEN: z.string().min(16, "must be at least 16 characters"),
  APP_URL: z.union([httpUrl, z.string().startsWith("/")]).default("/"),
  PRODUCT_NAME: z.string().min(1).default("Signup Pipeline"),
  SIGNUP_FIELDS: signupFieldsSetting,
  RESEND_COOLDOWN: duration.default(60_000),
  RATE_LIMIT_PER_MINUTE: integer(0, 1_000_000).default(30),
  TRUST_PROXY: z.enum(["true", "false"]).default("false").transform((v) => v === "true"),
});

const logger = createLogger({ name: "api", level: config.LOG_LEVEL });
const { db, close } = connectDb(config.DATABASE_URL, { applicationName: "signup-api" });
// Redis serves only operations here (readiness, dead letters, queue metrics): sign-ups never wait for it.
const redis = config.REDIS_URL ? createRedis(config.REDIS_URL, "producer") : undefined;
redis?.on("error", () => {});
const queues = redis ? openQueues(redis, config.QUEUE_PREFIX) : undefined;

const site = { productName: config.PRODUCT_NAME, appUrl: config.APP_URL, fields: config.SIGNUP_FIELDS, resendCooldownMs: config.RESEND_COOLDOWN, rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE };
const app = await buildApp({ db, redis, queues, logger, adminToken: config.ADMIN_TOKEN, site, trustProxy: config.TRUST_PROXY });
await app.listen({ port: config.PORT, host: config.HOST });

closeOnSignal(logger, [() => app.close(), () => queues?.close(), () => redis?.disconnect(), close]);
