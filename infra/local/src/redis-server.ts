import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { connect } from "node:net";
import { freePort } from "./free-port.ts";
import { waitUntil } from "./wait.ts";

export type RedisServerHandle = { url: string; port: number; process: ChildProcess; stop(): Promise<void> };

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
 * `ownProcessGroup`: out of the caller's process group, so a terminal's Ctrl+C does not stop it
 * while the services that use it are still draining; the caller stops it after them.
 */
export async function startRedisServer(options: { dir: string; port?: number; persist?: boolean; ownProcessGroup?: boolean }): Promise<RedisServerHandle> {
  if (!hasRedisServer()) throw new Error(redisInstallHint);
  mkdirSync(options.dir, { recursive: true });
  const port = options.port ?? (await freePort());
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
  ];
  const child = spawn("redis-server", args, { stdio: ["ignore", "ignore", "pipe"], detached: options.ownProcessGroup === true });
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
