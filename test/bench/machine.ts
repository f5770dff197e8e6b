import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { Redis } from "ioredis";
import postgres from "postgres";
import { repoRoot } from "@signup/local-infra";
import { gitCommit } from "../support/git-commit.ts";
import type { Server } from "../support/servers.ts";

export type Machine = {
  cores: number;
  memoryGb: number;
  cpuModel: string;
  node: string;
  postgres: string;
  postgresSource: string;
  redis: string;
  redisSource: string;
  /** 1-minute load average when the suite started: other work on the machine skews every figure. */
  loadAverage: number;
  commit: string;
  dirty: boolean;
  packages: Record<string, string>;
};

/** The version of `name` as the workspace package `from` resolves it (each service has its own copy). */
function packageVersion(from: string, name: string): string {
  try {
    let dir = dirname(createRequire(join(repoRoot, from, "package.json")).resolve(name));
    for (let i = 0; i < 6; i++, dir = dirname(dir)) {
      try {
        const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
        if (manifest.name === name) return manifest.version ?? "?";
      } catch {
        // no package.json at this level; keep walking up
      }
    }
  } catch {
    // not installed there
  }
  return "?";
}

export async function describeMachine(pg: Server, redis: Server): Promise<Machine> {
  const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
  const [row] = await sql<Array<{ version: string }>>`select version()`;
  await sql.end();
  const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  const info = await client.info("server");
  client.disconnect();
  const cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpus()[0]?.model ?? "unknown";
  const { commit, dirty } = gitCommit();
  return {
    cores: cpus().length,
    memoryGb: totalmem() / 1024 ** 3,
    cpuModel: cpuModel.trim(),
    node: process.version,
    postgres: row?.version ?? "unknown",
    postgresSource: pg.source,
    redis: /redis_version:(\S+)/.exec(info)?.[1] ?? "unknown",
    redisSource: redis.source,
    loadAverage: loadavg()[0] ?? 0,
    commit,
    dirty,
    packages: {
      fastify: packageVersion("services/api", "fastify"),
      "postgres (postgres.js)": packageVersion("packages/db", "postgres"),
      "drizzle-orm": packageVersion("packages/db", "drizzle-orm"),
      bullmq: packageVersion("packages/queue", "bullmq"),
      ioredis: packageVersion("packages/queue", "ioredis"),
      "@node-rs/argon2": packageVersion("services/api", "@node-rs/argon2"),
      nodemailer: packageVersion("services/mailer", "nodemailer"),
      "smtp-server": packageVersion("infra/local", "smtp-server"),
      tsx: packageVersion(".", "tsx"),
    },
  };
}
