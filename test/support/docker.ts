import { existsSync } from "node:fs";
import { request } from "node:http";

/**
 * Is a Docker engine answering? Asked only when no local server was found, and answered within a
 * second: a docker client without an engine (as on our CI machines) must not stall the suite.
 */
export function dockerEngineAvailable(timeoutMs = 1_000): Promise<boolean> {
  const host = process.env.DOCKER_HOST;
  const socketPath = host?.startsWith("unix://") ? host.slice("unix://".length) : host ? undefined : "/var/run/docker.sock";
  if (!socketPath || !existsSync(socketPath)) return Promise.resolve(Boolean(host && !socketPath));
  return new Promise((resolve) => {
    const req = request({ socketPath, path: "/_ping", timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
    req.end();
  });
}
