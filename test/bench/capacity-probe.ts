// `pnpm bench:capacity`: two figures for docs/scaling.md that the throughput runs do not give.
//   1. Redis memory per queued job: 10,000 UserRegistered events published to a queue prefix of
//      its own (nothing consumes them), used_memory before and after, per job; then the same for
//      jobs kept as completed (removeOnComplete keeps up to 10,000 per queue for 24 h).
//   2. PostgreSQL writes per sign-up: rows inserted, updated and deleted, and WAL bytes, over N
//      one-shot sign-ups taken all the way (verified by their link, onboarded), from the
//      database's own statistics.
// Against the machine's PostgreSQL and Redis (127.0.0.1), on a database and prefix of its own.
import { randomBytes, randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { Queue } from "bullmq";
import { UserRegistered } from "@signup/contracts";
import { startSmtpSink, waitUntil } from "@signup/local-infra";
import { createPublisher, createRedis } from "@signup/queue";
import { dropQueuePrefix } from "../support/redis.ts";
import { resolvePostgres, resolveRedis } from "../support/servers.ts";
import { startStack } from "../support/stack.ts";
import { createBenchDatabase } from "./bench-env.ts";

const { values } = parseArgs({ options: { signups: { type: "string", default: "300" } } });
const signups = Math.min(Number(values.signups), 5_000);
const [pg, redisServer] = await Promise.all([resolvePostgres(), resolveRedis()]);
const say = (line: string) => process.stdout.write(`${line}\n`);

async function redisMemoryPerJob(): Promise<void> {
  const redis = createRedis(redisServer.url, "worker");
  const prefix = `capacity-${randomBytes(4).toString("hex")}`;
  const used = async () => Number(/used_memory:(\d+)/.exec(await redis.info("memory"))?.[1]);
  try {
    const jobs = 10_000;
    const publisher = createPublisher(redis, { prefix });
    const before = await used();
    for (let i = 0; i < jobs; i += 500) {
      await publisher.publish(Array.from({ length: 500 }, () => UserRegistered.create({ userId: randomUUID() }, { correlationId: randomUUID() })));
    }
    const waiting = await used();
    await publisher.close();
    // UserRegistered fans out to one queue (provisioning): one job per event.
    say(`redis: ${((waiting - before) / jobs).toFixed(0)} bytes per waiting job (${jobs} jobs, ${((waiting - before) / 1048576).toFixed(1)} MiB)`);
    const queue = new Queue("provisioning", { connection: redis, prefix });
    await queue.obliterate({ force: true });
    await queue.close();
  } finally {
    await dropQueuePrefix(redisServer.url, prefix);
    redis.disconnect();
  }
}

async function postgresWritesPerSignUp(): Promise<void> {
  const database = await createBenchDatabase(pg.url, "capacity");
  const smtp = await startSmtpSink();
  const prefix = `capacity-${randomBytes(4).toString("hex")}`;
  const stack = await startStack({ label: "bench-capacity", databaseUrl: database.url, redisUrl: redisServer.url, smtpUrl: smtp.url, queuePrefix: prefix, env: { LOG_LEVEL: "warn", RATE_LIMIT_PER_MINUTE: "0" } });
  const totals = async () => {
    const [row] = await database.sql`select sum(n_tup_ins)::bigint as ins, sum(n_tup_upd)::bigint as upd, sum(n_tup_del)::bigint as del from pg_stat_user_tables`;
    const [wal] = await database.sql`select pg_current_wal_lsn()::text as lsn`;
    return { ins: Number(row!.ins), upd: Number(row!.upd), del: Number(row!.del), lsn: wal!.lsn as string };
  };
  try {
    const team = await (await fetch(`${stack.apiUrl}/admin/teams`, { method: "POST", headers: { authorization: `Bearer ${stack.adminToken}`, "content-type": "application/json" }, body: '{"name":"Capacity"}' })).json() as { id: string };
    const before = await totals();
    for (let i = 0; i < signups; i++) {
      const email = `capacity-${i}@example.com`;
      if (i % 10 === 0) {
        await fetch(`${stack.apiUrl}/admin/teams/${team.id}/invites`, { method: "POST", headers: { authorization: `Bearer ${stack.adminToken}`, "content-type": "application/json" }, body: JSON.stringify({ email }) });
      }
      await fetch(`${stack.apiUrl}/account/register`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email }) });
    }
    for (let i = 0; i < signups; i++) {
      const mail = await smtp.waitForMail((m) => m.to.includes(`capacity-${i}@example.com`) && m.subject.startsWith("Verify"), 60_000);
      const link = /https?:\/\/\S+\/account\/verify\/[A-Za-z0-9_-]+/.exec(mail.text)![0];
      await fetch(link, { method: "POST", headers: { accept: "application/json" } });
    }
    await waitUntil(async () => Number((await database.sql`select count(*) from audit_log where action = 'user.onboarded'`)[0]!.count) >= signups, { timeoutMs: 120_000, what: "onboarding" });
    await waitUntil(async () => Number((await database.sql`select count(*) from outbox where published_at is null`)[0]!.count) === 0, { timeoutMs: 60_000, what: "the outbox" });
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // the statistics collector's flush
    const after = await totals();
    const [wal] = await database.sql`select pg_wal_lsn_diff(${after.lsn}, ${before.lsn})::bigint as bytes`;
    const per = (n: number) => (n / signups).toFixed(1);
    say(`postgres: per sign-up taken all the way (${signups}): ${per(after.ins - before.ins)} rows inserted, ${per(after.upd - before.upd)} updated, ${per(after.del - before.del)} deleted; ${(Number(wal!.bytes) / signups / 1024).toFixed(1)} KiB of WAL (the whole cluster's, so other databases' writes count too)`);
  } finally {
    await stack.stop();
    await smtp.stop();
    await database.drop();
    await dropQueuePrefix(redisServer.url, prefix);
  }
}

try {
  await redisMemoryPerJob();
  await postgresWritesPerSignUp();
} finally {
  await Promise.all([pg.stop(), redisServer.stop()]);
}
