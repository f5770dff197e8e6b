import { execFile, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { freePort, hasRedisServer, pingRedis, waitUntil } from "@signup/local-infra";

export type RedisClusterHandle = {
  /** `redis+cluster://127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3`, as REDIS_URL takes it. */
  url: string;
  ports: number[];
  stop(): Promise<void>;
};

const run = promisify(execFile);

/** redis-cli ships with Debian's redis-server package; `--cluster create` needs it. */
export function hasRedisCli(): boolean {
  return spawnSync("redis-cli", ["--version"], { stdio: "ignore" }).status === 0;
}

/** Why a cluster cannot be started here, or undefined when it can. */
export function redisClusterUnavailable(): string | undefined {
  if (!hasRedisServer()) return "redis-server is not on PATH (Debian/Ubuntu: apt-get install redis-server)";
  if (!hasRedisCli()) return "redis-cli is not on PATH (it ships with Debian's redis-server package)";
  return undefined;
}

/** `count` distinct free loopback ports (freePort may hand the same one out twice). */
async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

async function clusterState(port: number): Promise<string | undefined> {
  const redis = new Redis({ host: "127.0.0.1", port, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  try {
    await redis.connect();
    return /^cluster_state:(\w+)/m.exec(String(await redis.cluster("INFO")))?.[1];
  } finally {
    redis.disconnect();
  }
}

/**
 * A three-master Redis Cluster of the test's own on free loopback ports, each node in its own
 * directory under `dir`, configured as production should be for BullMQ (noeviction); no
 * persistence, it lives as long as the test. The cluster bus ports are chosen free as well
 * (`--cluster-port`), rather than assumed free at port + 10000.
 */
export async function startRedisCluster(options: { dir: string; masters?: number }): Promise<RedisClusterHandle> {
  const unavailable = redisClusterUnavailable();
  if (unavailable) throw new Error(`cannot start a Redis Cluster: ${unavailable}`);
  const count = options.masters ?? 3;
  const allPorts = await distinctFreePorts(count * 2);
  const ports = allPorts.slice(0, count);
  const nodes: Array<{ port: number; child: ChildProcess; stderr: string }> = [];
  const stop = async () => void (await Promise.all(nodes.map((node) => stopProcess(node.child))));
  try {
    for (const [i, port] of ports.entries()) {
      const dir = join(options.dir, String(port));
      mkdirSync(dir, { recursive: true });
      const args = [
        "--port",
        String(port),
        "--cluster-port",
        String(allPorts[count + i]),
        "--bind",
        "127.0.0.1",
        "--dir",
        dir,
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        `nodes-${port}.conf`,
        "--appendonly",
        "no",
        "--save",
        "",
        "--maxmemory-policy",
        "noeviction",
        "--protected-mode",
        "yes",
      ];
      const node = { port, child: spawn("redis-server", args, { stdio: ["ignore", "ignore", "pipe"] }), stderr: "" };
      node.child.stderr?.on("data", (chunk: Buffer) => (node.stderr = `${node.stderr}${chunk.toString()}`.slice(-2_000)));
      nodes.push(node);
    }
    for (const node of nodes) {
      await waitUntil(
        async () => {
          if (node.child.exitCode !== null) throw new Error(`redis-server on port ${node.port} exited at start: ${node.stderr}`);
          return pingRedis(node.port);
        },
        { timeoutMs: 10_000, what: `cluster node redis-server on port ${node.port}` },
      );
    }
    await run("redis-cli", ["--cluster", "create", ...ports.map((port) => `127.0.0.1:${port}`), "--cluster-replicas", "0", "--cluster-yes"], {
      timeout: 30_000,
    });
    // `--cluster create` returns once the slots are assigned; every node must also agree.
    await waitUntil(async () => (await Promise.all(ports.map(clusterState))).every((state) => state === "ok"), {
      timeoutMs: 20_000,
      intervalMs: 200,
      what: "cluster_state:ok on every node",
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `redis+cluster://${ports.map((port) => `127.0.0.1:${port}`).join(",")}`, ports, stop };
}
