import { runMigrations } from "./migrate.ts";

// `pnpm --filter @signup/db migrate`: what a deployment runs once before starting the services.
const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write("migrate: DATABASE_URL is required\n");
  process.exit(78);
}
await runMigrations(url);
process.stdout.write("migrate: database is up to date\n");
