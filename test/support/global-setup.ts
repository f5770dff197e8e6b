import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { migrationsFolder, runMigrations } from "@signup/db";
import { resolvePostgres, resolveRedis, withDatabase } from "./servers.ts";

declare module "vitest" {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    templateDatabase: string;
    redisUrl: string;
  }
}

/** A name that changes whenever a migration does, so a stale template is never reused. */
function templateName(): string {
  const hash = createHash("sha256");
  for (const file of readdirSync(migrationsFolder)
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    hash.update(file).update(readFileSync(`${migrationsFolder}/${file}`));
  }
  return `signup_template_${hash.digest("hex").slice(0, 12)}`;
}

/**
 * Once per run: find PostgreSQL and Redis, and build a migrated template database. Each test file
 * then clones the template (CREATE DATABASE ... TEMPLATE), which takes milliseconds.
 */
export default async function setup(project: TestProject) {
  const [pg, redis] = await Promise.all([resolvePostgres(), resolveRedis()]);
  process.stdout.write(`[tests] PostgreSQL: ${pg.source}; Redis: ${redis.source}\n`);

  const template = templateName();
  const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
  try {
    const [exists] = await admin`select 1 from pg_database where datname = ${template}`;
    if (!exists) {
      const building = `${template}_build_${process.pid}`;
      await admin.unsafe(`create database "${building}"`);
      await runMigrations(withDatabase(pg.url, building));
      await admin.unsafe(`alter database "${building}" rename to "${template}"`).catch(async () => {
        await admin.unsafe(`drop database if exists "${building}" with (force)`); // another run built it first
      });
    }
  } finally {
    await admin.end();
  }

  project.provide("postgresAdminUrl", pg.url);
  project.provide("templateDatabase", template);
  project.provide("redisUrl", redis.url);
  return async () => {
    await Promise.all([pg.stop(), redis.stop()]);
  };
}
