import { randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import { freePort, repoRoot, serviceNames, spawnService, waitUntil, type ServiceName, type ServiceProcess } from "@signup/local-infra";

export type Stack = {
  apiUrl: string;
  adminToken: string;
  services: Map<ServiceName, ServiceProcess>;
  logFile: string;
  /** Starts one more process of a service with the same environment (a replacement, a second replica). */
  spawnAnother(name: ServiceName): ServiceProcess;
  stop(): Promise<void>;
};

/**
 * Starts the API, the relay and the three workers as separate OS processes, as production runs
 * them. Their logs go to .test-results/logs/<label>.log for when a test fails.
 */
export async function startStack(options: {
  label: string;
  databaseUrl: string;
  redisUrl: string;
  smtpUrl: string;
  queuePrefix: string;
  env?: Record<string, string>;
  only?: readonly ServiceName[];
}): Promise<Stack> {
  const port = await freePort();
  const apiUrl = `http://127.0.0.1:${port}`;
  const adminToken = randomBytes(18).toString("base64url");
  const logDir = join(repoRoot, ".test-results", "logs");
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${options.label}.log`);
  const log = createWriteStream(logFile);
  const env = {
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    SMTP_URL: options.smtpUrl,
    PUBLIC_URL: apiUrl,
    PORT: String(port),
    ADMIN_TOKEN: adminToken,
    QUEUE_PREFIX: options.queuePrefix,
    LOG_LEVEL: "debug",
    RELAY_POLL_MS: "200",
    ...options.env,
  };
  const services = new Map<ServiceName, ServiceProcess>();
  const extra: ServiceProcess[] = [];
  const spawn = (name: ServiceName) => spawnService(name, env, (who, chunk) => log.write(`[${who}] ${chunk.toString()}`));
  for (const name of options.only ?? serviceNames) services.set(name, spawn(name));
  const spawnAnother = (name: ServiceName) => {
    const service = spawn(name);
    extra.push(service);
    return service;
  };
  const stop = async () => {
    await Promise.all([...services.values(), ...extra].map((service) => service.stop()));
    await new Promise((resolve) => log.end(resolve));
  };
  try {
    await waitUntil(
      async () => {
        for (const [name, service] of services) {
          if (service.process.exitCode !== null) throw new Error(`${name} exited with ${service.process.exitCode}; see ${logFile}`);
        }
        if (!services.has("api")) return true;
        return (await fetch(`${apiUrl}/healthz`)).ok;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: "the services to start" },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { apiUrl, adminToken, services, logFile, spawnAnother, stop };
}
