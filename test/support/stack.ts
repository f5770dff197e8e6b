import { randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import { freePort, pipelineServiceNames, repoRoot, spawnService, waitUntil, type ServiceName, type ServiceProcess } from "@signup/local-infra";

export type Stack = {
  apiUrl: string;
  /** The web front-end's base URL, when the stack runs it (`web: true` or "web" in `only`). */
  webUrl: string | undefined;
  adminToken: string;
  services: Map<ServiceName, ServiceProcess>;
  logFile: string;
  /** Starts one more process of a service with the same environment (a replacement, a second replica). */
  spawnAnother(name: ServiceName): ServiceProcess;
  stop(): Promise<void>;
};

export type StackOptions = {
  label: string;
  databaseUrl: string;
  redisUrl: string;
  smtpUrl: string;
  queuePrefix: string;
  env?: Record<string, string>;
  /**
   * Which services to run; the five pipeline services by default. "sms" and "lifecycle" are
   * opt-in here (give the SMS worker its SMS_URL in `env`, e.g. a Twilio contract server's).
   */
  only?: readonly ServiceName[];
  /** Also run the web front-end (on a port of its own), as if "web" were listed in `only`. */
  web?: boolean;
  /** The web's own variables over the shared ones, e.g. an absolute APP_URL. */
  webEnv?: Record<string, string>;
};

/**
 * Starts the API, the relay and the three workers (and, when asked, the web front-end, the SMS
 * worker or the lifecycle sweep) as separate OS processes, as production runs them. Their logs go to .test-results/logs/<label>.log for when
 * a test fails.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const names: ServiceName[] = [...(options.only ?? pipelineServiceNames)];
  if (options.web && !names.includes("web")) names.push("web");
  const port = await freePort();
  const apiUrl = `http://127.0.0.1:${port}`;
  const webPort = names.includes("web") ? await freePort() : undefined;
  const webUrl = webPort === undefined ? undefined : `http://127.0.0.1:${webPort}`;
  const adminToken = randomBytes(18).toString("base64url");
  const logDir = join(repoRoot, ".test-results", "logs");
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${options.label}.log`);
  const log = createWriteStream(logFile);
  const env: Record<string, string> = {
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    SMTP_URL: options.smtpUrl,
    PUBLIC_URL: apiUrl,
    PORT: String(port),
    ADMIN_TOKEN: adminToken,
    QUEUE_PREFIX: options.queuePrefix,
    LOG_LEVEL: "debug",
    METRICS_PORT: "0", // many workers, and stacks side by side, on one machine: no fixed /metrics port
    // The web calls the API from the browser, verify tabs are sent back to it, and invitations link to its form.
    ...(webUrl ? { CORS_ORIGINS: webUrl, REDIRECT_ALLOWLIST: webUrl, APP_URL: `${webUrl}/`, SIGNUP_URL: `${webUrl}/signup` } : {}),
    ...options.env,
  };
  // A copy of its own: the web's PORT and APP_URL must not reach the API.
  const webEnv: Record<string, string> = { ...env, PORT: String(webPort ?? 0), API_URL: apiUrl, APP_URL: "/", ...options.webEnv };
  const services = new Map<ServiceName, ServiceProcess>();
  const extra: ServiceProcess[] = [];
  const spawn = (name: ServiceName) => spawnService(name, name === "web" ? webEnv : env, (who, chunk) => log.write(`[${who}] ${chunk.toString()}`));
  for (const name of names) services.set(name, spawn(name));
  const spawnAnother = (name: ServiceName) => {
    const service = spawn(name);
    extra.push(service);
    return service;
  };
  const stop = async () => {
    await Promise.all([...services.values(), ...extra].map((service) => service.stop()));
    await new Promise((resolve) => log.end(resolve));
  };
  const healthy = async (url: string | undefined) => url === undefined || (await fetch(`${url}/healthz`)).ok;
  try {
    await waitUntil(
      async () => {
        for (const [name, service] of services) {
          if (service.process.exitCode !== null) throw new Error(`${name} exited with ${service.process.exitCode}; see ${logFile}`);
        }
        return (await healthy(services.has("api") ? apiUrl : undefined)) && (await healthy(webUrl));
      },
      { timeoutMs: 60_000, intervalMs: 200, what: "the services to start" },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { apiUrl, webUrl, adminToken, services, logFile, spawnAnother, stop };
}
