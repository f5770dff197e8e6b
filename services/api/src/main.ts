import { common, duration, httpUrl, integer, loadConfigOrExit, shutdownTimeout } from "@signup/config";
import { connectDb } from "@signup/db";
import { createLogger } from "@signup/logger";
import { closeOnSignal, createRedis, openQueues, assertClusterPrefixOrExit } from "@signup/queue";
import { startTelemetry } from "@signup/telemetry";
import { z } from "zod";
import { loadMetadataValidator } from "./account/metadata-schema.ts";
import type { MetadataValidator } from "./routes/site-settings.ts";
import { parseOrigins, type AfterVerify } from "./account/redirects.ts";
import { signupFieldsSetting } from "./account/signup-fields.ts";
import { setPasswordHashConcurrency } from "./account/password.ts";
import { buildApp } from "./app.ts";
import { loadSigningKeys, type SigningKeys, signingKeySchema } from "./completion/signing-keys.ts";

const origins = z
  .string()
  .default("")
  .transform((value, ctx) => {
    try {
      return parseOrigins(value);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: `must be comma-separated http(s) origins: ${(error as Error).message}` });
      return z.NEVER;
    }
  });

const config = loadConfigOrExit("api", {
  ...shutdownTimeout,
  DATABASE_URL: common.DATABASE_URL,
  REDIS_URL: common.REDIS_URL.optional(),
  LOG_LEVEL: common.LOG_LEVEL,
  QUEUE_PREFIX: common.QUEUE_PREFIX,
  PORT: integer(0, 65_535).default(3000),
  HOST: z.string().default("127.0.0.1"),
  PUBLIC_URL: httpUrl.optional(),
  ADMIN_TOKEN: z.string().min(16, "must be at least 16 characters"),
  APP_URL: z.union([httpUrl, z.string().startsWith("/")]).default("/"),
  PRODUCT_NAME: z.string().min(1).default("Signup Pipeline"),
  SIGNUP_FIELDS: signupFieldsSetting,
  SIGNUP_METADATA_SCHEMA: z.string().min(1).optional(),
  RESEND_COOLDOWN: duration.default(60_000),
  VERIFY_TOKEN_TTL: duration.default(24 * 3_600_000),
  RATE_LIMIT_PER_MINUTE: integer(0, 1_000_000).default(30),
  TRUST_PROXY: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true"),
  SIGNING_KEY: signingKeySchema.optional(),
  SIGNING_KEY_PREVIOUS: signingKeySchema.optional(),
  CORS_ORIGINS: origins,
  REDIRECT_ALLOWLIST: origins,
  AFTER_VERIFY: z.enum(["redirect", "oidc"]).default("redirect"),
  OIDC_AUTHORIZE_URL: httpUrl.optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_REDIRECT_URI: httpUrl.optional(),
  PHONE_CODE_TTL: duration.default(10 * 60_000),
  SMS_DAILY_BUDGET: integer(1, 1_000).default(5),
  SIGNUP_URL: httpUrl.optional(),
  ARGON2_CONCURRENCY: integer(1, 1_024).optional(),
});
assertClusterPrefixOrExit("api", config.REDIS_URL, config.QUEUE_PREFIX);
// Before buildApp: the app registers fastify's instrumentation only when tracing runs.
const telemetry = await startTelemetry({ serviceName: "api" });

const logger = createLogger({ name: "api", level: config.LOG_LEVEL });
if (config.ARGON2_CONCURRENCY !== undefined) setPasswordHashConcurrency(config.ARGON2_CONCURRENCY);

function afterVerify(): AfterVerify {
  if (config.AFTER_VERIFY === "redirect") return { mode: "redirect" };
  const { OIDC_AUTHORIZE_URL: authorizeUrl, OIDC_CLIENT_ID: clientId, OIDC_REDIRECT_URI: redirectUri } = config;
  if (!authorizeUrl || !clientId || !redirectUri) {
    process.stderr.write("api: invalid configuration:\n  - AFTER_VERIFY=oidc needs OIDC_AUTHORIZE_URL, OIDC_CLIENT_ID and OIDC_REDIRECT_URI\n");
    process.exit(78);
  }
  return { mode: "oidc", authorizeUrl, clientId, redirectUri };
}

let signingKeys: SigningKeys;
let validateMetadata: MetadataValidator;
try {
  signingKeys = await loadSigningKeys({ current: config.SIGNING_KEY, previous: config.SIGNING_KEY_PREVIOUS });
  validateMetadata = loadMetadataValidator(config.SIGNUP_METADATA_SCHEMA);
} catch (error) {
  process.stderr.write(`api: invalid configuration:\n  - ${(error as Error).message}\n`);
  process.exit(78);
}
if (signingKeys.ephemeral)
  logger.warn("SIGNING_KEY is not set: completion tokens are signed with a key made at start-up, which no other replica knows and a restart forgets");

const { db, close } = connectDb(config.DATABASE_URL, { applicationName: "signup-api" });
// Redis serves only operations here (readiness, dead letters, queue metrics): sign-ups never wait for it.
const redis = config.REDIS_URL ? createRedis(config.REDIS_URL, "producer") : undefined;
redis?.on("error", () => {});
const queues = redis ? openQueues(redis, config.QUEUE_PREFIX) : undefined;

const publicUrl = (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/$/, "");
const site = {
  productName: config.PRODUCT_NAME,
  appUrl: config.APP_URL,
  fields: config.SIGNUP_FIELDS,
  resendCooldownMs: config.RESEND_COOLDOWN,
  rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
  tokenTtlMs: config.VERIFY_TOKEN_TTL,
  publicUrl,
  redirectAllowlist: config.REDIRECT_ALLOWLIST,
  afterVerify: afterVerify(),
  validateMetadata,
  phoneCodeTtlMs: config.PHONE_CODE_TTL,
  smsDailyBudget: config.SMS_DAILY_BUDGET,
  signupUrl: config.SIGNUP_URL ?? `${publicUrl}/signup`,
};
const app = await buildApp({
  db,
  redis,
  queues,
  logger,
  adminToken: config.ADMIN_TOKEN,
  site,
  signingKeys,
  corsOrigins: config.CORS_ORIGINS,
  trustProxy: config.TRUST_PROXY,
});
await app.listen({ port: config.PORT, host: config.HOST });

closeOnSignal(logger, [() => app.close(), () => queues?.close(), () => redis?.disconnect(), close, () => telemetry.shutdown()], {
  timeoutMs: config.SHUTDOWN_TIMEOUT,
});
