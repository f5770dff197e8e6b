import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { runMigrations } from "@signup/db";
import { devAdminToken } from "./admin-token.ts";
import { startEmbeddedPostgres } from "./embedded-postgres.ts";
import { freePort } from "./free-port.ts";
import { startInboxWeb } from "./inbox-web.ts";
import { redisInstallHint, hasRedisServer, startRedisServer } from "./redis-server.ts";
import { repoRoot, serviceNames, spawnService, type ServiceName, type ServiceProcess } from "./services.ts";
import { devSigningKey } from "./signing-key.ts";
import { startSmtpSink, type CapturedMail, type SmtpSink } from "./smtp-sink.ts";
import { waitUntil } from "./wait.ts";

/**
 * `pnpm start`: the whole system on one machine. Each of DATABASE_URL, REDIS_URL, SMTP_URL and
 * SMS_URL, when set, replaces the embedded default; everything else runs from this checkout.
 */
const env = process.env;
const dataDir = join(repoRoot, ".data");
// Set when the terminal closes: writing to a hung-up terminal can crash Node (SIGSEGV here).
let terminalGone = false;
const print = (text: string) => {
  if (!terminalGone) process.stdout.write(text);
};
const say = (line: string) => print(`[start] ${line}\n`);
const stops: Array<() => Promise<unknown>> = [];

/**
 * A server's stop is due from the moment it starts starting: it runs out of Ctrl+C's reach (a
 * process group of its own), so a Ctrl+C while it starts must wait for it and stop it, or it would
 * outlive us.
 */
function stopWhenStarted<S extends { stop(): Promise<void> }>(starting: Promise<S>): Promise<S> {
  stops.push(async () => (await starting.catch(() => undefined))?.stop());
  return starting;
}

/** The SMS worker's `log:///path` file, which the dev inbox shows; undefined for other SMS_URLs. */
function smsFileOf(smsUrl: string): string | undefined {
  if (!smsUrl.startsWith("log:///")) return undefined;
  return decodeURIComponent(new URL(smsUrl).pathname);
}

/** The first free port from `first` on (a few tries), so the web is at 3001 whenever it can be. */
async function portFrom(first: number): Promise<number> {
  for (let port = first; port < first + 10; port++) if ((await freePort(port)) === port) return port;
  return freePort();
}

/** PORT as given must be free (one clear line, not six restarts); without PORT, 3000 or the next free one. */
async function apiPort(): Promise<number> {
  if (env.PORT === undefined) return portFrom(3000);
  const wanted = Number(env.PORT);
  if ((await freePort(wanted)) !== wanted) throw new Error(`port ${wanted} is taken; set PORT to a free port, e.g. PORT=${wanted + 100} pnpm start`);
  return wanted;
}

/** The dev inbox's mails outlive a restart: they are kept in .data/dev-mail.jsonl, as the SMS are. */
function keepMails(sink: SmtpSink, file: string): () => void {
  if (existsSync(file)) {
    for (const line of readFileSync(file, "utf8").split("\n")) if (line) sink.mails.push(JSON.parse(line) as CapturedMail);
  }
  let kept = sink.mails.length;
  const timer = setInterval(() => {
    for (const mail of sink.mails.slice(kept)) appendFileSync(file, `${JSON.stringify(mail)}\n`);
    kept = sink.mails.length;
  }, 500);
  return () => clearInterval(timer);
}

async function main() {
  const port = await apiPort();
  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    say("starting embedded PostgreSQL under .data/postgres ...");
    const pg = await stopWhenStarted(startEmbeddedPostgres({ dir: dataDir, database: "signup", supervised: true }));
    if (pg.leftover !== undefined) say(`stopped the PostgreSQL an earlier run left running (pid ${pg.leftover}) and started it again`);
    databaseUrl = pg.url;
  }

  let redisUrl = env.REDIS_URL;
  if (!redisUrl) {
    if (!hasRedisServer()) throw new Error(redisInstallHint);
    // Supervised: Ctrl+C reaches every process of the terminal's group at once, and a worker still
    // closing while Redis shuts down would retry its connection until killed.
    const redis = await stopWhenStarted(startRedisServer({ dir: join(dataDir, "redis"), preferredPort: 6380, supervised: true }));
    if (redis.leftover !== undefined) say(`stopped the redis-server an earlier run left running (pid ${redis.leftover}) and started it again`);
    redisUrl = redis.url;
  }

  // Texts go to a file under .data/ that the dev inbox shows beside the mails (as the SMTP sink's mails).
  const smsUrl = env.SMS_URL ?? `log://${pathToFileURL(join(dataDir, "dev-sms.jsonl")).pathname}`;
  const smsFile = smsFileOf(smsUrl);

  let smtpUrl = env.SMTP_URL;
  let inboxUrl: string | undefined;
  if (!smtpUrl) {
    const sink = await startSmtpSink({ port: await freePort(2525) });
    const stopKeeping = keepMails(sink, join(dataDir, "dev-mail.jsonl"));
    stops.push(async () => stopKeeping());
    const inboxPort = await freePort(8025);
    const inbox = await startInboxWeb(sink, inboxPort, smsFile ? { smsFile } : {});
    stops.push(sink.stop, () => new Promise((resolve) => inbox.close(resolve)));
    smtpUrl = sink.url;
    inboxUrl = `http://localhost:${inboxPort}`;
  }

  // Ctrl+C during start-up: what started is being stopped; start nothing more (below, above all no
  // service, whose stop would come after the shutdown has passed it).
  if (shuttingDown) return;
  say("applying migrations ...");
  await runMigrations(databaseUrl);

  const publicUrl = env.PUBLIC_URL ?? `http://localhost:${port}`;
  const adminToken = env.ADMIN_TOKEN ?? devAdminToken(join(dataDir, "admin-token"));
  const webPort = await portFrom(3001);
  const webUrl = `http://localhost:${webPort}`;
  const serviceEnv = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    SMTP_URL: smtpUrl,
    PUBLIC_URL: publicUrl,
    PORT: String(port),
    // What `pnpm build` made: production's own JavaScript, lighter and quicker to start than tsx.
    SERVICE_RUNTIME: "dist",
    ADMIN_TOKEN: adminToken,
    LOG_LEVEL: env.LOG_LEVEL ?? "info",
    SIGNING_KEY: env.SIGNING_KEY ?? devSigningKey(join(dataDir, "signing-key.pem")),
    // The web front-end calls the API from the browser and is where verify tabs are sent back to.
    CORS_ORIGINS: env.CORS_ORIGINS ?? webUrl,
    REDIRECT_ALLOWLIST: env.REDIRECT_ALLOWLIST ?? webUrl,
    APP_URL: env.APP_URL ?? `${webUrl}/`,
    // Invitations link to the web's sign-up page with their ticket (the API's ticketUrl, the mailer's mail).
    SIGNUP_URL: env.SIGNUP_URL ?? `${webUrl}/signup`,
    SMS_URL: smsUrl,
  };
  // The web gets an environment of its own: its PORT must never reach the API, and a front-end
  // has no use for the database, the admin token or the signing key.
  const webEnv = { PORT: String(webPort), API_URL: publicUrl, APP_URL: env.APP_URL ?? "/", LOG_LEVEL: serviceEnv.LOG_LEVEL, SERVICE_RUNTIME: "dist" };
  // Each worker's /metrics and /healthz on a port of its own (9464, 9465, ... where free); METRICS_PORT=0 turns them off.
  const metricsPorts = new Map<ServiceName, string>();
  for (const [index, name] of serviceNames.entries()) metricsPorts.set(name, env.METRICS_PORT === "0" ? "0" : String(await freePort(9464 + index)));
  const envFor = (name: ServiceName): Record<string, string> => (name === "web" ? webEnv : { ...serviceEnv, METRICS_PORT: metricsPorts.get(name) ?? "0" });

  const running = new Map<string, ServiceProcess>();
  let stopping = false;
  let started = false;
  let failedToStart: string | undefined;
  // Once running, a service that exits is restarted (a few times); one that cannot even start is a
  // configuration problem, so start-up stops with its reason instead of pretending all is well.
  const launch = (name: ServiceName, restarts = 0) => {
    const service = spawnService(name, envFor(name), (who, chunk) => {
      for (const line of chunk.toString().split("\n")) if (line) print(`[${who}] ${line}\n`);
    });
    running.set(name, service);
    void service.exited.then((code) => {
      if (stopping) return;
      if (!started) {
        failedToStart = `${name} exited during start-up (code ${code}); see its lines above`;
        return;
      }
      if (restarts >= 5) {
        say(`${name} keeps exiting (code ${code}); giving up on it`);
        return;
      }
      say(`${name} exited (code ${code}); restarting in 1 s`);
      setTimeout(() => launch(name, restarts + 1), 1_000);
    });
  };
  if (shuttingDown) return;
  for (const name of serviceNames) launch(name);
  stops.unshift(async () => {
    stopping = true;
    await Promise.all([...running.values()].map((service) => service.stop()));
  });

  const healthy = (url: string) => async () => {
    if (failedToStart) throw new Error(failedToStart);
    return (await fetch(url)).ok;
  };
  try {
    await waitUntil(healthy(`http://127.0.0.1:${port}/healthz`), { timeoutMs: 60_000, what: "the API" });
    await waitUntil(healthy(`http://127.0.0.1:${webPort}/healthz`), { timeoutMs: 60_000, what: "the web front-end" });
  } catch (error) {
    throw new Error(failedToStart ?? (error as Error).message);
  }
  started = true;
  say("");
  say(`signup-pipeline is running.`);
  say(`  Sign-up page   ${webUrl}/signup`);
  say(`  Web            ${webUrl}   (the reference front-end; a completed sign-up lands on ${env.APP_URL ?? `${webUrl}/`})`);
  say(`  API            ${publicUrl}   (POST /account/register; OpenAPI at ${publicUrl}/docs)`);
  if (inboxUrl) say(`  Dev inbox      ${inboxUrl}   (mail${smsFile ? ', and SMS under "Text messages"' : ""})`);
  else if (smsFile) say(`  Text messages  ${smsFile}`);
  say(`  Queues         ${publicUrl}/admin/queues   (any user name, the admin token as password)`);
  say(`  PostgreSQL     ${redactPassword(databaseUrl)}${env.DATABASE_URL ? "" : "   (embedded, data in .data/postgres)"}`);
  say(`  Redis          ${redactPassword(redisUrl)}${env.REDIS_URL ? "" : "   (redis-server, data in .data/redis)"}`);
  say(`  Admin token    ${adminToken}   (Authorization: Bearer ...)`);
  say(`  Try it:        curl -X POST ${publicUrl}/account/register -H 'content-type: application/json' -d '{"email":"you@example.com"}'`);
  say(`Press Ctrl+C to stop.`);
}

function redactPassword(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@/]*@/, "//$1:•••@");
}

let shuttingDown = false;
async function shutdown(code: number, exit: () => void = () => process.exit(code)) {
  if (shuttingDown) return;
  shuttingDown = true;
  if (code === 0) say("stopping ...");
  for (const stop of stops) {
    try {
      await stop();
    } catch {
      // keep stopping the rest
    }
  }
  if (code === 0) say("stopped");
  exit();
}

// embedded-postgres registers async-exit-hook, which on SIGINT/SIGTERM/SIGHUP stops PostgreSQL and
// exits 130/143/129 before our services have drained; we stop everything ourselves, PostgreSQL last
// but one.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.removeAllListeners(signal);
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
// A closed terminal: stop as for Ctrl+C (redis-server ignores SIGHUP and would outlive us, holding
// .data/redis), with nowhere left to print to. Then end by the hangup itself: process.exit would
// restore the terminal's modes on the way out, which on a hung-up terminal aborts Node 20.
process.on("SIGHUP", () => {
  terminalGone = true;
  void shutdown(0, () => {
    process.removeAllListeners("SIGHUP");
    process.kill(process.pid, "SIGHUP");
  });
});
main().catch((error: unknown) => {
  // A step cut short by Ctrl+C (migrations against the server being stopped) is no failure to report.
  if (shuttingDown) return;
  process.stderr.write(`[start] ${error instanceof Error ? error.message : String(error)}\n`);
  void shutdown(1);
});
