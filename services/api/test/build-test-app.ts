import { createLogger } from "@signup/logger";
import { createTestDatabase, type TestDatabase } from "@signup/test";
import { signupFieldsSetting } from "../src/account/signup-fields.ts";
import { buildApp, type AppDeps } from "../src/app.ts";
import type { SiteSettings } from "../src/routes/site-settings.ts";

export const adminToken = "test-admin-token-0123456789";

const defaultSite: SiteSettings = {
  productName: "Acme",
  appUrl: "/app",
  fields: signupFieldsSetting.parse("email:required,password:optional,username:optional,firstName:optional,lastName:optional"),
  resendCooldownMs: 60_000,
  rateLimitPerMinute: 0,
};

/** The API in-process (fastify inject) on a database of the test's own; no Redis needed. */
export async function buildTestApp(site: Partial<SiteSettings> = {}, extra: Pick<AppDeps, "queues"> = {}): Promise<{ app: Awaited<ReturnType<typeof buildApp>>; database: TestDatabase; close(): Promise<void> }> {
  const database = await createTestDatabase();
  const app = await buildApp({ db: database.db, logger: createLogger({ name: "api-test", level: "silent" }), adminToken, site: { ...defaultSite, ...site }, ...extra });
  return {
    app,
    database,
    async close() {
      await app.close();
      await database.drop();
    },
  };
}

/** Row counts of every table a request could touch: "writes nothing" is checked against these. */
export async function tableCounts(database: TestDatabase): Promise<Record<string, number>> {
  const tables = ["users", "outbox", "audit_log", "verification_tokens", "teams", "team_members", "invites", "processed_events"];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await database.sql.unsafe<{ n: number }[]>(`select count(*)::int as n from ${table}`);
    counts[table] = row?.n ?? 0;
  }
  return counts;
}
