// `pnpm chaos`: the project's own fault test. N sign-ups are followed through verification while
// workers, the relay, Redis, the SMTP server and PostgreSQL connections fail one after another;
// then every accepted address is checked (one user, one IdP entry, mails, verified, onboarded,
// a complete audit trail). Everything runs on 127.0.0.1: a database and a redis-server (AOF) of
// its own, an SMTP sink and the five services as processes; it stops by itself and cleans up.
//   pnpm chaos [--signups 2000] [--concurrency 20] [--quick]
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { runMigrations } from "@signup/db";
import { repoRoot, startSmtpSink, type SmtpSink } from "@signup/local-infra";
import { gitCommit } from "../support/git-commit.ts";
import { resolvePostgres, withDatabase, type Server } from "../support/servers.ts";
import { startStack, type Stack } from "../support/stack.ts";
import { startBacklogMonitor, type BacklogMonitor } from "./backlog.ts";
import { faultPlan, runFaults, sleep, startOwnRedis, type RedisControl } from "./faults.ts";
import { inviteToTeam, runSignUps, startVerifier, type Verifier } from "./load.ts";
import { drainAfter, summaryLines, verdictFails, writeMarkdown, type RunSummary } from "./report.ts";
import { checkSet } from "./set-check.ts";
import { superviseStack, type Supervisor } from "./supervisor.ts";

const { values } = parseArgs({
  options: {
    signups: { type: "string" },
    concurrency: { type: "string", default: "20" },
    quick: { type: "boolean", default: false },
  },
});
const quick = values.quick ?? false;
const clamp = (value: number, min: number, max: number, fallback: number) =>
  Number.isFinite(value) ? Math.min(max, Math.max(min, Math.floor(value))) : fallback;
const signups = clamp(Number(values.signups ?? (quick ? 200 : 2_000)), 1, 20_000, quick ? 200 : 2_000);
const concurrency = clamp(Number(values.concurrency), 1, 200, 20);

const startedAt = new Date();
// The run's own time budget: the drain wait shrinks to fit it, and past `hardStopMs` it aborts.
const budgetMs = quick ? 120_000 : 600_000;
const hardStopMs = budgetMs + 60_000;
const deadline = startedAt.getTime() + budgetMs;
const gapMs = quick ? 6_000 : 12_000;
const settleQuietMs = quick ? 15_000 : 30_000;
// Time kept back for the settle wait, the check and the clean-up: load and faults stop before it.
const reserveMs = quick ? 40_000 : 150_000;
const settleMaxMs = 180_000;
const queuePrefix = "chaos";
const runId = randomBytes(4).toString("hex");

const elapsed = () => `${((Date.now() - startedAt.getTime()) / 1_000).toFixed(1).padStart(6)} s`;
const log = (line: string) => process.stdout.write(`[${elapsed()}] ${line}\n`);

// What exists so far, for the clean-up whichever way the run ends.
let pg: Server | undefined;
let admin: postgres.Sql | undefined;
let sql: postgres.Sql | undefined;
let databaseName: string | undefined;
let redis: RedisControl | undefined;
let sink: SmtpSink | undefined;
let stack: Stack | undefined;
let supervisor: Supervisor | undefined;
let monitor: BacklogMonitor | undefined;
let verifier: Verifier | undefined;
const redisDir = join(repoRoot, ".data", `chaos-redis-${runId}`);

const bounded = <T>(promise: Promise<T>, ms: number) => Promise.race([promise.catch(() => undefined), sleep(ms).then(() => undefined)]);

async function cleanUp(): Promise<void> {
  supervisor?.stop();
  await bounded(verifier?.stop() ?? Promise.resolve(), 20_000);
  await bounded(monitor?.stop() ?? Promise.resolve(), 5_000);
  await bounded(stack?.stop() ?? Promise.resolve(), 30_000);
  await bounded(sink?.stop() ?? Promise.resolve(), 5_000);
  await bounded(redis?.stop() ?? Promise.resolve(), 10_000);
  await bounded(sql?.end({ timeout: 2 }) ?? Promise.resolve(), 5_000);
  if (admin && databaseName) await bounded(admin.unsafe(`drop database if exists "${databaseName}" with (force)`), 15_000);
  await bounded(admin?.end({ timeout: 2 }) ?? Promise.resolve(), 5_000);
  rmSync(redisDir, { recursive: true, force: true });
  await bounded(pg?.stop() ?? Promise.resolve(), 15_000);
}

/** The last resort when the run is interrupted or over its time: no process of ours may outlive it. */
function killEverything(): void {
  const children = [...(supervisor?.running() ?? []), ...(redis ? [redis.handle.process] : [])];
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}
process.once("exit", killEverything);
let aborting = false;
const abort = (why: string, code: number) => {
  if (aborting) return;
  aborting = true;
  log(`${why}: stopping everything`);
  const finish = () => {
    process.stdout.write(`chaos: 0 passed, ${signups} failed\n`);
    process.exit(code);
  };
  setTimeout(finish, 30_000).unref();
  void cleanUp().finally(finish);
};
process.once("SIGINT", () => abort("interrupted", 130));
process.once("SIGTERM", () => abort("terminated", 143));
setTimeout(() => abort(`over the time limit of ${hardStopMs / 1_000} s`, 2), hardStopMs).unref();

async function main(): Promise<number> {
  const { commit, dirty } = gitCommit();
  pg = await resolvePostgres();
  admin = postgres(pg.url, { max: 1, onnotice: () => {} });
  databaseName = `signup_chaos_${runId}`;
  await admin.unsafe(`create database "${databaseName}"`);
  const databaseUrl = withDatabase(pg.url, databaseName);
  await runMigrations(databaseUrl);
  sql = postgres(databaseUrl, { max: 3, onnotice: () => {}, connection: { application_name: "signup-chaos" } });
  redis = await startOwnRedis(redisDir);
  sink = await startSmtpSink();
  stack = await startStack({
    label: "chaos",
    databaseUrl,
    redisUrl: redis.handle.url,
    smtpUrl: sink.url,
    queuePrefix,
    env: { RATE_LIMIT_PER_MINUTE: "0", LOG_LEVEL: "warn" },
  });
  supervisor = superviseStack(stack, log);
  monitor = startBacklogMonitor({ redisUrl: redis.handle.url, prefix: queuePrefix, sql });
  log(
    `start: ${signups} sign-ups, ${concurrency} at a time${quick ? " (--quick)" : ""}; database ${databaseName} on ${pg.source}; redis-server (AOF) on port ${redis.handle.port}; API ${stack.apiUrl}; logs ${stack.logFile}`,
  );

  const emails = Array.from({ length: signups }, (_, i) => `chaos-${i}@example.com`);
  const ours = new Set(emails);
  const invited = emails.filter((_, i) => i % 10 === 0);
  const teamId = await inviteToTeam({ apiUrl: stack.apiUrl, adminToken: stack.adminToken, emails: invited, concurrency: 5 });
  log(`invited ${invited.length} addresses to team ${teamId}`);

  verifier = startVerifier({ sink, isOurs: (address) => ours.has(address) });
  const plan = faultPlan({ quick });
  // The load is spread over the fault schedule and one gap more, so every fault meets sign-ups in flight.
  const scheduleMs = (plan.length + 1) * gapMs + plan.reduce((sum, fault) => sum + fault.lastsMs, 0);
  const intervalMs = scheduleMs / signups;
  log(
    `load: ${signups} sign-ups over about ${(scheduleMs / 1_000).toFixed(0)} s (${(1_000 / intervalMs).toFixed(1)}/s); ${plan.length} faults, ${gapMs / 1_000} s apart`,
  );
  const ctx = { supervisor, redis, sink, admin, databaseName };
  const [load, faults] = await Promise.all([
    runSignUps({ apiUrl: stack.apiUrl, emails, concurrency, intervalMs, deadline: deadline - reserveMs }),
    runFaults(plan, ctx, { gapMs, log, shouldStop: () => Date.now() > deadline - reserveMs }),
  ]);
  log(`load done: ${load.accepted.length} accepted, ${load.rejected.length} rejected; faults done`);

  // Settle: until every accepted address is onboarded and nothing is left to do, or nothing moves.
  const settleStart = Date.now();
  const settleUntil = Math.min(settleStart + settleMaxMs, deadline - 20_000);
  let lastKey = "";
  let lastChange = Date.now();
  let outcome = "time limit reached";
  while (Date.now() < settleUntil) {
    let onboarded = -1;
    try {
      const [row] = await sql`select count(distinct user_id)::int as n from audit_log where action = 'user.onboarded'`;
      onboarded = (row?.n as number | undefined) ?? 0;
    } catch {
      // our connection may have been one of those terminated; the next round reconnects
    }
    const backlog = monitor.latest()?.total ?? -1;
    const key = `${onboarded}/${backlog}/${sink.mails.length}/${verifier.stats.verified}`;
    if (key !== lastKey) {
      lastKey = key;
      lastChange = Date.now();
    }
    if (onboarded >= load.accepted.length && backlog === 0 && verifier.idle()) {
      outcome = `every accepted address onboarded, backlog 0`;
      break;
    }
    if (Date.now() - lastChange > settleQuietMs) {
      outcome = `nothing changed for ${settleQuietMs / 1_000} s (onboarded ${onboarded} of ${load.accepted.length}, backlog ${backlog})`;
      break;
    }
    await sleep(500);
  }
  const settle = { seconds: (Date.now() - settleStart) / 1_000, outcome };
  log(`settled: ${outcome}`);
  await verifier.stop();
  const deadLetters = await monitor.deadLetters().catch(() => []);
  await monitor.stop();
  const samples = monitor.samples;
  const drains = faults.map((fault) => drainAfter(fault, samples));
  // The raw backlog, beside the services' logs, for a closer look at any drain.
  mkdirSync(join(repoRoot, ".test-results"), { recursive: true });
  writeFileSync(join(repoRoot, ".test-results", "chaos-backlog.json"), JSON.stringify({ startedAt: startedAt.getTime(), faults, samples }));

  const check = await checkSet({ sql, accepted: load.accepted, invited: new Set(invited), teamId, mails: sink.mails });
  // A quick run is named apart, so it never overwrites the day's full run.
  const reportPath = `bench/results/chaos-${startedAt.toISOString().slice(0, 10)}-${commit}${quick ? "-quick" : ""}.md`;
  const summary: RunSummary = {
    signups,
    concurrency,
    quick,
    invited: invited.length,
    postgres: pg.source,
    redisPort: redis.handle.port,
    commit,
    dirty,
    startedAt,
    totalSeconds: (Date.now() - startedAt.getTime()) / 1_000,
    logFile: stack.logFile,
    load,
    verifier: verifier.stats,
    faults,
    drains,
    samples,
    settle,
    crashes: supervisor.crashes,
    deadLetters,
    check,
    reportPath,
  };
  const lines = summaryLines(summary);
  writeMarkdown(summary, lines, join(repoRoot, reportPath));
  process.stdout.write(`${lines.join("\n")}\n`);
  return verdictFails(summary) ? 1 : 0;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  log(`chaos run failed: ${(error as Error).stack ?? String(error)}`);
  exitCode = -1;
} finally {
  if (!aborting) await cleanUp();
}
if (exitCode === -1) {
  process.stdout.write(`chaos: 0 passed, ${signups} failed\n`);
  exitCode = 1;
}
process.exit(exitCode);
