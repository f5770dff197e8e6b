import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { freePort } from "./free-port.ts";
import { stopLeftover } from "./leftover-server.ts";
import { waitUntil } from "./wait.ts";

export type RedisServerHandle = {
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
  /** The pid of a redis-server an earlier run left running on `dir`, stopped first. */
  leftover?: number;
};

export const redisInstallHint =
  "redis-server was not found on PATH. Install it (Debian/Ubuntu: `sudo apt-get install redis-server`, macOS: `brew install redis`) or set REDIS_URL to a Redis you already run.";

export function hasRedisServer(): boolean {
  return spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
}

export function pingRedis(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host }, () => socket.write("PING\r\n"));
    socket.setTimeout(500, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString().startsWith("+PONG"));
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * A private redis-server from PATH, configured as production should be: AOF with fsync every
 * second (an accepted job survives a crash) and noeviction (BullMQ must never lose keys).
 * `supervised` (pnpm start's own Redis, kept in `dir` across runs): in a process group of its own,
 * so a terminal's Ctrl+C does not stop it while the services that use it still drain (the caller
 * stops it after them), with a pid file, and a redis-server an earlier run left on `dir` when it
 * was killed outright is shut down first (two on one append-only file would both write to it).
 */
export async function startRedisServer(options: {
  dir: string;
  port?: number;
  preferredPort?: number;
  persist?: boolean;
  supervised?: boolean;
}): Promise<RedisServerHandle> {
  if (!hasRedisServer()) throw new Error(redisInstallHint);
  mkdirSync(options.dir, { recursive: true });
  const supervised = options.supervised === true;
  const pidFile = join(options.dir, "redis.pid");
  const leftover = supervised ? await stopLeftover(pidFile, (command) => command.startsWith("redis-server"), "SIGTERM") : undefined;
  const port = options.port ?? (await freePort(options.preferredPort));
  const persist = options.persist ?? true;
  const args = [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--dir",
    options.dir,
    "--save",
    "",
    "--appendonly",
    persist ? "yes" : "no",
    "--appendfsync",
    "everysec",
    "--maxmemory-policy",
    "noeviction",
    "--protected-mode",
    "yes",
    ...(supervised ? ["--pidfile", pidFile] : []),
  ];
  const child = spawn("redis-server", args, { stdio: ["ignore", "ignore", "pipe"], detached: supervised });
  let exited = false;
  child.once("exit", () => (exited = true));
  await waitUntil(
    async () => {
      if (exited) throw new Error("redis-server exited at start");
      return pingRedis(port);
    },
    { timeoutMs: 10_000, what: `redis-server on port ${port}` },
  );
  return {
    ...(leftover !== undefined ? { leftover } : {}),
    url: `redis://127.0.0.1:${port}`,
    port,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited || child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
