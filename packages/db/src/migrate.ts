import { fileURLToPath } from "node:url";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { connectDb } from "./client.ts";

export const migrationsFolder = fileURLToPath(new URL("../migrations", import.meta.url));

/** Applies pending migrations; safe to run from several processes (drizzle takes a lock per run). */
export async function runMigrations(url: string): Promise<void> {
  const handle = connectDb(url, { max: 1, applicationName: "signup-pipeline-migrate" });
  try {
    await migrate(handle.db, { migrationsFolder });
  } finally {
    await handle.close();
  }
}
