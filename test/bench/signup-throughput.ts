// `pnpm bench`: how fast the running system accepts sign-ups and how fast the pipeline drains them.
// Starts the real services as processes (as `pnpm start` does) on a database of its own, sends a
// bounded number of sign-ups to 127.0.0.1 only, prints figures and stops by itself.
//   pnpm bench [--signups 2000] [--concurrency 50] [--password] [--api-only]
// --api-only runs the API alone (no relay, no workers): the accept path without competition for the CPU.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { runMigrations } from "@signup/db";
import { startSmtpSink, waitUntil } from "@signup/local-infra";
import { dropQueuePrefix } from "../support/redis.ts";
import { resolvePostgres, resolveRedis, withDatabase } from "../support/servers.ts";
import { startStack } from "../support/stack.ts";

const { values } = parseArgs({
  options: {
    signups: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "50" },
    password: { type: "boolean", default: false },
    "api-only": { type: "boolean", default: false },
  },
});
const total = Math.min(Number(values.signups), 20_000);
const concurrency = Math.min(Number(values.concurrency), 500);
const deadline = Date.now() + 5 * 60_000;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const ms = (n: number) => `${n.toFixed(1)} ms`;

const [pg, redis] = await Promise.all([resolvePostgres(), resolveRedis()]);
const name = `signup_bench_${randomBytes(4).toString("hex")}`;
const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database "${name}"`);
const databaseUrl = withDatabase(pg.url, name);
await runMigrations(databaseUrl);
const smtp = await startSmtpSink();
const prefix = `bench-${randomBytes(4).toString("hex")}`;
const stack = await startStack({
  label: "bench",
  databaseUrl,
  redisUrl: redis.url,
  smtpUrl: smtp.url,
  queuePrefix: prefix,
  ...(values["api-only"] ? { only: ["api"] as const } : {}),
  env: {
    LOG_LEVEL: "warn",
    RATE_LIMIT_PER_MINUTE: "0",
    RELAY_POLL_MS: "1000",
    ...(values.password ? { SIGNUP_FIELDS: "email:required,password:required" } : {}),
  },
});
const db = postgres(databaseUrl, { max: 2, onnotice: () => {} });

try {
  process.stdout.write(`bench: ${total} sign-ups, ${concurrency} at a time, ${values.password ? "with" : "without"} passwords; PostgreSQL: ${pg.source}; Redis: ${redis.source}\n`);
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const started = performance.now();
  const client = async () => {
    while (next < total && Date.now() < deadline) {
      const i = next++;
      const body = JSON.stringify({ email: `bench-${i}@example.com`, ...(values.password ? { password: `bench password ${i}` } : {}) });
      const t0 = performance.now();
      const response = await fetch(`${stack.apiUrl}/account/register`, { method: "POST", headers: { "content-type": "application/json" }, body });
      await response.arrayBuffer();
      latencies.push(performance.now() - t0);
      if (response.status !== 202) failures++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  const acceptSeconds = (performance.now() - started) / 1_000;
  latencies.sort((a, b) => a - b);
  const accepted = [
    `accepted         ${latencies.length - failures} of ${latencies.length} (non-202: ${failures})`,
    `accept rate      ${(latencies.length / acceptSeconds).toFixed(0)} sign-ups/s over ${acceptSeconds.toFixed(2)} s`,
    `latency          p50 ${ms(percentile(latencies, 50))}  p95 ${ms(percentile(latencies, 95))}  p99 ${ms(percentile(latencies, 99))}  max ${ms(latencies.at(-1) ?? 0)}`,
  ];
  process.stdout.write(`${accepted.join("\n")}\n`);
  if (!values["api-only"]) {

    await waitUntil(
      async () => {
        const [row] = await db`select count(*) filter (where idp_status = 'provisioned')::int as provisioned from users`;
        return (row?.provisioned as number) >= latencies.length && smtp.mails.length >= latencies.length;
      },
      { timeoutMs: Math.max(1_000, deadline - Date.now()), intervalMs: 250, what: "the pipeline to drain" },
    );
    const drainSeconds = (performance.now() - started) / 1_000;

    const lines = [
      `pipeline drained ${drainSeconds.toFixed(2)} s after the first request: every user provisioned and mailed (${(latencies.length / drainSeconds).toFixed(0)} sign-ups/s end to end)`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  }
} finally {
  await stack.stop();
  await smtp.stop();
  await db.end();
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.end();
  await dropQueuePrefix(redis.url, prefix);
  await Promise.all([pg.stop(), redis.stop()]);
}
