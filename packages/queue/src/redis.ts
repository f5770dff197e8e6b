import { Cluster, Redis, type ClusterOptions, type RedisOptions } from "ioredis";
import type { Logger } from "@signup/logger";

/** What BullMQ takes as `connection`: a single Redis or a Redis Cluster. */
export type RedisConnection = Redis | Cluster;
export type RedisRole = "worker" | "producer";

export type ClusterUrl = { tls: boolean; nodes: Array<{ host: string; port: number }>; username?: string; password?: string };

export const clusterUrlForm = "redis+cluster://[[user]:password@]host:port,host:port,... (rediss+cluster:// for TLS)";

export function isClusterUrl(url: string): boolean {
  return /^rediss?\+cluster:\/\//i.test(url.trim());
}

/**
 * Parses `redis+cluster://[[user]:password@]h1:p1,h2:p2,...` (the WHATWG URL parser refuses a comma
 * list of hosts). Credentials are percent-decoded; a port defaults to 6379. Messages never echo the
 * URL, which may hold a password. Keep in step with the REDIS_URL validator in @signup/config.
 */
export function parseClusterUrl(url: string): ClusterUrl {
  const match = /^(rediss?)\+cluster:\/\/([^/?#]*)\/?$/i.exec(url.trim());
  if (!match) throw new Error(`a cluster URL has the form ${clusterUrlForm}, with no path or query`);
  const authority = match[2] ?? "";
  const at = authority.lastIndexOf("@");
  const credentials: { username?: string; password?: string } = {};
  if (at >= 0) {
    const userinfo = authority.slice(0, at);
    const colon = userinfo.indexOf(":");
    if (colon < 0) throw new Error("cluster URL credentials must be :password@ or user:password@");
    try {
      const username = decodeURIComponent(userinfo.slice(0, colon));
      if (username) credentials.username = username;
      credentials.password = decodeURIComponent(userinfo.slice(colon + 1));
    } catch {
      throw new Error("cluster URL credentials are not validly percent-encoded");
    }
  }
  const nodes = authority
    .slice(at + 1)
    .split(",")
    .map((entry) => {
      const node = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9._-]+))(?::(\d{1,5}))?$/.exec(entry.trim());
      const port = Number(node?.[3] ?? 6379);
      if (!node || port < 1 || port > 65_535) throw new Error(`a cluster URL lists nodes as host:port separated by commas: ${clusterUrlForm}`);
      return { host: node[1] ?? node[2] ?? "", port };
    });
  return { tls: match[1]?.toLowerCase() === "rediss", nodes, ...credentials };
}

/** Redis hashes only the part of a key between its first "{" and the next "}", when that is non-empty. */
export function hasHashTag(prefix: string): boolean {
  const open = prefix.indexOf("{");
  return open >= 0 && prefix.indexOf("}", open + 1) > open + 1;
}

export class RedisConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "RedisConfigError";
  }
}

/**
 * BullMQ's Lua scripts touch several keys of a queue at once, which a Redis Cluster allows only
 * when they hash to one slot: the queue prefix must carry a hash tag, or every add fails CROSSSLOT.
 * `url` may be undefined (the API runs without Redis).
 */
export function assertClusterPrefix(url: string | undefined, prefix: string): void {
  if (url !== undefined && isClusterUrl(url) && !hasHashTag(prefix)) {
    throw new RedisConfigError(["QUEUE_PREFIX must contain a hash tag such as {signup} on a Redis Cluster (REDIS_URL is a redis+cluster:// URL)"]);
  }
}

/** assertClusterPrefix for a service's main.ts: prints the problem and exits like loadConfigOrExit. */
export function assertClusterPrefixOrExit(service: string, url: string | undefined, prefix: string): void {
  try {
    assertClusterPrefix(url, prefix);
  } catch (error) {
    if (!(error instanceof RedisConfigError)) throw error;
    process.stderr.write(`${service}: ${error.message}\n`);
    process.exit(78); // EX_CONFIG
  }
}

const retryStrategy = (times: number) => Math.min(200 * times, 2_000);

/**
 * Workers block on Redis and must wait out an outage (maxRetriesPerRequest: null); producers must
 * fail fast instead, so the outbox keeps the event and the relay tries again later.
 *
 * A `redis+cluster://` / `rediss+cluster://` URL gives an ioredis Cluster with the same policy
 * (`extra` then applies to each node's connection; `lazyConnect` and `enableOfflineQueue` to the
 * cluster). The declared type stays `Redis` so existing callers, whose `connection` parameters
 * are typed `Redis`, compile unchanged: everything they use (BullMQ, on, disconnect, quit, ping,
 * config) exists on a Cluster too. Code that needs to tell the two apart uses `isCluster`.
 */
export function createRedis(url: string, role: RedisRole, extra: RedisOptions = {}): Redis {
  if (isClusterUrl(url)) return createCluster(parseClusterUrl(url), role, extra) as unknown as Redis;
  const base: RedisOptions = role === "worker" ? { maxRetriesPerRequest: null } : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 };
  return new Redis(url, {
    ...base,
    retryStrategy,
    lazyConnect: false,
    ...extra,
  });
}

function createCluster(parsed: ClusterUrl, role: RedisRole, extra: RedisOptions): Cluster {
  const { lazyConnect = false, enableOfflineQueue = role === "worker", ...nodeExtra } = extra;
  const node: ClusterOptions["redisOptions"] = role === "worker" ? { maxRetriesPerRequest: null } : { maxRetriesPerRequest: 1, connectTimeout: 2_000 };
  return new Cluster(parsed.nodes, {
    // A node's own connection always queues while it connects; the cluster-wide queue is what
    // makes a producer fail fast while the cluster is unreachable.
    enableOfflineQueue,
    lazyConnect,
    clusterRetryStrategy: retryStrategy,
    // ioredis resolves node names to addresses before connecting, which breaks TLS host-name
    // checks; its documented fix for TLS clusters (e.g. ElastiCache) is to skip that lookup.
    ...(parsed.tls ? { dnsLookup: (address: string, callback: (error: null, address: string) => void) => callback(null, address) } : {}),
    redisOptions: {
      ...node,
      ...(parsed.username !== undefined ? { username: parsed.username } : {}),
      ...(parsed.password !== undefined ? { password: parsed.password } : {}),
      ...(parsed.tls ? { tls: {} } : {}),
      ...nodeExtra,
    },
  });
}

export function isCluster(connection: RedisConnection): connection is Cluster {
  return connection.isCluster;
}

/** Resolves once a cluster has its slot map (it has no nodes to ask before), or rejects after `ms`. */
function clusterReady(cluster: Cluster, ms: number): Promise<void> {
  if (cluster.status === "ready") return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cluster.off("ready", onReady);
      reject(new Error(`cluster not ready within ${ms} ms`));
    }, ms);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    cluster.once("ready", onReady);
  });
}

/**
 * Readiness for /readyz: PING on a single Redis; on a cluster, any node's PONG says little (a
 * third of the slots may be unreachable), so ask for CLUSTER INFO and require cluster_state:ok.
 */
export async function checkRedisReady(connection: RedisConnection): Promise<void> {
  if (!isCluster(connection)) {
    await connection.ping();
    return;
  }
  const info = String(await connection.cluster("INFO"));
  if (!/^cluster_state:ok\b/m.test(info)) throw new Error("cluster_state is not ok");
}

async function maxmemoryPolicy(redis: Redis): Promise<string | undefined> {
  const reply = (await redis.config("GET", "maxmemory-policy")) as string[];
  return reply[1];
}

/** BullMQ loses jobs under any eviction policy but noeviction; say so loudly at start-up. */
export async function checkRedisPolicy(redis: RedisConnection, logger: Logger): Promise<void> {
  try {
    // Every master holds queue keys (one per hash tag), so each one's policy matters. The wait is
    // bounded: this is a warning, not a gate, and workers wait out a cluster outage on their own.
    const nodes = isCluster(redis) ? await clusterReady(redis, 10_000).then(() => redis.nodes("master")) : [redis];
    for (const node of nodes) {
      const policy = await maxmemoryPolicy(node);
      if (policy && policy !== "noeviction") {
        logger.warn({ policy, node: `${node.options.host}:${node.options.port}` }, "Redis maxmemory-policy should be noeviction: queued jobs can be evicted");
      }
    }
  } catch {
    // Managed Redis often forbids CONFIG; BullMQ checks again on its own.
  }
  if (isCluster(redis)) return;
  try {
    // A plain redis:// URL at a cluster node works until a key lives on another node (MOVED).
    if (/^cluster_enabled:1\b/m.test(await redis.info("cluster"))) {
      logger.warn("REDIS_URL points at a Redis Cluster node: use redis+cluster://host:port,... and a QUEUE_PREFIX with a hash tag such as {signup}");
    }
  } catch {
    // INFO may be renamed or forbidden as well.
  }
}
