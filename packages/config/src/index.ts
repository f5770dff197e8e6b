import { z } from "zod";

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * Parses the environment once, at start-up, and freezes the result. Every problem is listed at
 * once (variable name and what is wrong), so an operator fixes a deployment in one round.
 */
export function parseConfig<TShape extends z.ZodRawShape>(
  shape: TShape,
  env: Record<string, string | undefined> = process.env,
): Readonly<z.output<z.ZodObject<TShape>>> {
  const result = z.object(shape).safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        // zod's stock "Invalid input: expected string, received undefined" says less than "required";
        // a schema's own message (e.g. "required when IDP=scim") is kept.
        // zod does not report the input by default, so whether it was missing is read from env.
        const given = typeof issue.path[0] === "string" ? env[issue.path[0]] : undefined;
        const missing = issue.code === "invalid_type" && given === undefined && issue.message.startsWith("Invalid input");
        return `${issue.path.join(".") || "(env)"}: ${missing ? "required" : issue.message}`;
      }),
    );
  }
  return Object.freeze(result.data);
}

/** Like parseConfig, but prints the problem list and exits: for a service's main.ts. */
export function loadConfigOrExit<TShape extends z.ZodRawShape>(service: string, shape: TShape): Readonly<z.output<z.ZodObject<TShape>>> {
  try {
    return parseConfig(shape);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${service}: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL with scheme ${protocols.join(" or ")}`,
  );

/**
 * `redis+cluster://[[user]:password@]host:port,host:port,...` (`rediss+cluster:` for TLS), which
 * the WHATWG URL parser refuses for its comma list of hosts. The same grammar as parseClusterUrl
 * in @signup/queue, which opens the connection (the two packages do not depend on each other).
 */
const isRedisClusterUrl = (value: string) => {
  const match = /^rediss?\+cluster:\/\/([^/?#]*)\/?$/i.exec(value.trim());
  if (!match) return false;
  const authority = match[1] ?? "";
  const at = authority.lastIndexOf("@");
  if (at >= 0) {
    const userinfo = authority.slice(0, at);
    if (!userinfo.includes(":")) return false;
    try {
      decodeURIComponent(userinfo);
    } catch {
      return false;
    }
  }
  return authority
    .slice(at + 1)
    .split(",")
    .every((entry) => {
      const node = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/.exec(entry.trim());
      const port = Number(node?.[1] ?? 6379);
      return node !== null && port >= 1 && port <= 65_535;
    });
};

const plainRedisUrl = url(["redis:", "rediss:"]);
const redisUrl = z
  .string()
  .refine(
    (value) => (/^rediss?\+cluster:/i.test(value.trim()) ? isRedisClusterUrl(value) : plainRedisUrl.safeParse(value).success),
    "must be a URL with scheme redis: or rediss:, or for a Redis Cluster redis+cluster://[:password@]host:port,host:port,... (rediss+cluster: for TLS)",
  );

/** Variables more than one service reads; each service composes its own shape from these. */
export const common = {
  DATABASE_URL: url(["postgres:", "postgresql:"]).describe("PostgreSQL connection URL"),
  REDIS_URL: redisUrl.describe("Redis connection URL for BullMQ, or redis+cluster://host:port,... for a Redis Cluster"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** BullMQ key prefix; a Redis Cluster needs a hash tag here, e.g. "{signup}". */
  QUEUE_PREFIX: z.string().min(1).default("bull"),
};

/**
 * How long a worker holds a job before others may take it over, and how often workers look for
 * jobs whose holder died (BullMQ "stalled" jobs): a killed worker's job runs again after at most
 * lock + interval (5 s + 4 s by default). The lock is renewed every lock/2, so a false stall needs
 * the event loop blocked for seconds, which these I/O-bound workers never do. A job may stall a few
 * times (a worker killed repeatedly) before it counts as failed.
 */
export const workerTuning = {
  WORKER_LOCK_MS: z.coerce.number().int().min(1_000).max(600_000).default(5_000),
  WORKER_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).max(600_000).default(4_000),
  WORKER_MAX_STALLED: z.coerce.number().int().min(1).max(100).default(5),
  /**
   * PostgreSQL connections per worker process. Jobs spend most of their time waiting on an IdP, an
   * SMTP or SMS provider, not on the database, so many jobs in flight share a few connections.
   */
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
};

export const smtpUrl = url(["smtp:", "smtps:"]);
export const httpUrl = url(["http:", "https:"]);

/** "24h", "15m", "90s", "500ms" or plain milliseconds. */
export const duration = z.string().transform((value, ctx) => {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(value.trim());
  if (!match) {
    ctx.addIssue({ code: "custom", message: 'must be a duration such as "24h", "15m", "90s" or milliseconds' });
    return z.NEVER;
  }
  const factor = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? "ms"] ?? 1;
  return Number(match[1]) * factor;
});

export const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** On SIGTERM: stop taking work, finish what is in flight within this, then exit. */
export const shutdownTimeout = { SHUTDOWN_TIMEOUT: duration.default(25_000) };

/**
 * What every process behind the queues reads: its stores, its log level, its shutdown deadline,
 * and where it serves /metrics and /healthz (METRICS_PORT 0 turns them off; HOST is the address).
 */
export const queueProcess = {
  DATABASE_URL: common.DATABASE_URL,
  REDIS_URL: common.REDIS_URL,
  LOG_LEVEL: common.LOG_LEVEL,
  QUEUE_PREFIX: common.QUEUE_PREFIX,
  ...shutdownTimeout,
  HOST: z.string().default("127.0.0.1"),
  METRICS_PORT: integer(0, 65_535).default(9464),
};

/** A queue process that takes jobs (every worker; not the relay, which only publishes). */
export const workerProcess = { ...queueProcess, ...workerTuning };

/** workerTuning's settings under the names a consumer (startConsumer in @signup/queue) takes them. */
export function consumerTuning(config: { WORKER_LOCK_MS: number; WORKER_STALLED_INTERVAL_MS: number; WORKER_MAX_STALLED: number }) {
  return { lockMs: config.WORKER_LOCK_MS, stalledIntervalMs: config.WORKER_STALLED_INTERVAL_MS, maxStalledCount: config.WORKER_MAX_STALLED };
}
