import { randomUUID } from "node:crypto";
import cors from "@fastify/cors";
import formbody from "@fastify/formbody";
import rateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import type { Database } from "@signup/db";
import { sharedAssetsDir } from "@signup/html";
import type { QueueSet } from "@signup/queue";
import type { Logger } from "@signup/logger";
import { fastifyTracingPlugin } from "@signup/telemetry";
import { requireAdminToken } from "./admin-auth.ts";
import { installErrorHandlers } from "./http-error.ts";
import { registerMetrics } from "./metrics.ts";
import { registerQueueBoard } from "./queue-board.ts";
import { auditRoutes } from "./routes/admin/audit.ts";
import { deadLetterRoutes } from "./routes/admin/dead-letters.ts";
import { teamRoutes } from "./routes/admin/teams.ts";
import { userRoutes } from "./routes/admin/users.ts";
import { healthRoutes } from "./routes/health.ts";
import { pageRoutes } from "./routes/pages.ts";
import { registerRoutes } from "./routes/register.ts";
import type { SiteSettings } from "./routes/site-settings.ts";
import { verifyRoutes } from "./routes/verify.ts";
import { registerOpenApi } from "./openapi.ts";
import { jwksRoutes } from "./completion/jwks-route.ts";
import type { SigningKeys } from "./completion/signing-keys.ts";
import { signUpRoutes } from "./routes/sign-ups.ts";

export type AppDeps = {
  db: Database;
  redis?: Redis;
  /** The queues, for dead letters, bull-board and queue metrics; absent when no REDIS_URL is set. */
  queues?: QueueSet;
  logger: Logger;
  adminToken: string;
  site: SiteSettings;
  /** Signs completion tokens; the JWKS publishes the public halves. */
  signingKeys: SigningKeys;
  /** Browser origins allowed to call the public API (CORS_ORIGINS), e.g. the web front-end's. */
  corsOrigins?: readonly string[];
  /** Behind a load balancer: true, so rate limits see the client's IP (X-Forwarded-For). */
  trustProxy?: boolean;
};

const correlationIdPattern = /^[A-Za-z0-9._:-]{1,100}$/;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    trustProxy: deps.trustProxy === true,
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: 64 * 1024,
    // A caller's correlation id is kept (so a front-end can follow its request); otherwise we mint one.
    genReqId: (request) => {
      const given = request.headers["x-correlation-id"];
      return typeof given === "string" && correlationIdPattern.test(given) ? given : randomUUID();
    },
  });
  // First, so its onRoute hook sees every route and its request span encloses every other hook.
  const tracing = fastifyTracingPlugin();
  if (tracing) await app.register(tracing);
  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-correlation-id", request.id);
  });

  installErrorHandlers(app);
  await registerOpenApi(app);
  await app.register(formbody);
  // Front-ends on other origins drive the public API from the browser; the admin API stays same-origin.
  await app.register(cors, {
    origin: (origin, callback) => callback(null, origin !== undefined && (deps.corsOrigins ?? []).includes(origin)),
    methods: ["GET", "POST", "PATCH"],
    allowedHeaders: ["content-type", "authorization", "x-correlation-id"],
    exposedHeaders: ["x-correlation-id", "retry-after"],
    maxAge: 600,
  });
  // Per client IP, in this process's memory: limits must not make sign-ups depend on Redis.
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      code: "rate_limited",
      message: `Too many requests; try again in ${Math.ceil(context.ttl / 1_000)} s.`,
    }),
  });
  await app.register(fastifyStatic, { root: sharedAssetsDir, prefix: "/assets/", cacheControl: true, maxAge: "1h" });

  registerMetrics(app, deps);
  healthRoutes(app, deps);
  registerRoutes(app, deps);
  signUpRoutes(app, deps);
  jwksRoutes(app, deps);
  verifyRoutes(app, deps);
  pageRoutes(app, deps);

  await app.register(async (admin) => {
    requireAdminToken(admin, deps.adminToken);
    teamRoutes(admin, deps);
    userRoutes(admin, deps);
    auditRoutes(admin, deps);
    deadLetterRoutes(admin, deps);
    if (deps.queues) await registerQueueBoard(admin, deps.queues);
  });
  return app;
}
