import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { runMigrations } from "@signup/db";
import { dropQueuePrefix } from "../support/redis.ts";
import { withDatabase, type Server } from "../support/servers.ts";
import type { Stack } from "../support/stack.ts";
import type { Tracked } from "./sampler.ts";

/** What every run gets from the suite: the servers, and where its progress lines go. */
export type BenchContext = { pg: Server; redis: Server; log: (line: string) => void };

export type BenchDatabase = { name: string; url: string; sql: postgres.Sql; drop(): Promise<void> };

/**
 * A database of the run's own, created empty and migrated from scratch (not cloned from a
 * template), so each run starts from the same state the migrations give a new deployment.
 */
export async function createBenchDatabase(serverUrl: string, label: string): Promise<BenchDatabase> {
  const name = `signup_bench_${label}_${randomBytes(3).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(serverUrl, name);
  await runMigrations(url);
  // Named, so its own queries (drain checks) stand apart from the services' in the resources section.
  const sql = postgres(url, { max: 2, onnotice: () => {}, connection: { application_name: "bench" } });
  return {
    name,
    url,
    sql,
    async drop() {
      await sql.end({ timeout: 2 });
      const again = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await again.unsafe(`drop database if exists "${name}" with (force)`).catch(() => {});
      await again.end();
    },
  };
}

export type QueuePrefix = { prefix: string; drop(): Promise<void> };

export function newQueuePrefix(redisUrl: string, label: string): QueuePrefix {
  const prefix = `bench-${label}-${randomBytes(3).toString("hex")}`;
  return { prefix, drop: () => dropQueuePrefix(redisUrl, prefix) };
}

/**
 * How the bench runs the services: the compiled build, as `pnpm start` and the image run it
 * (`pnpm bench` builds first); SERVICE_RUNTIME=source measures the tsx runtime of the tests instead.
 */
export const benchRuntime = process.env.SERVICE_RUNTIME === "source" ? "source" : "dist";

/** What every bench stack runs with: quiet logs (logging is not the subject) and no per-IP limit (one client IP sends everything). */
export const benchEnv: Record<string, string> = {
  SERVICE_RUNTIME: benchRuntime,
  LOG_LEVEL: "warn",
  RATE_LIMIT_PER_MINUTE: "0",
};

export function stackProcesses(stack: Stack): Tracked[] {
  const tracked: Tracked[] = [];
  for (const [name, service] of stack.services) {
    if (service.process.pid !== undefined) tracked.push({ label: name, group: "service", pid: service.process.pid });
  }
  return tracked;
}

/** Runs `work` then the clean-ups in reverse order, whatever happens. */
export async function withCleanup<T>(work: (defer: (cleanup: () => Promise<unknown>) => void) => Promise<T>): Promise<T> {
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    return await work((cleanup) => cleanups.push(cleanup));
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => process.stderr.write(`clean-up failed: ${String(error)}\n`));
  }
}
