import type { Database } from "@signup/db";
import { createLogger } from "@signup/logger";
import { createTestDatabase, type TestDatabase } from "@signup/test";
import { loadMetadataValidator } from "../src/account/metadata-schema.ts";
import { signupFieldsSetting } from "../src/account/signup-fields.ts";
import { loadSigningKeys } from "../src/completion/signing-keys.ts";
import { buildApp, type AppDeps } from "../src/app.ts";
import type { SiteSettings } from "../src/routes/site-settings.ts";

export const adminToken = "test-admin-token-0123456789";

const defaultSite: SiteSettings = {
  productName: "Acme",
  appUrl: "/app",
  fields: signupFieldsSetting.parse("email:required,password:optional,username:optional,firstName:optional,lastName:optional"),
  resendCooldownMs: 60_000,
  rateLimitPerMinute: 0,
  tokenTtlMs: 24 * 3_600_000,
  publicUrl: "http://api.test",
  redirectAllowlist: ["https://app.test"],
  afterVerify: { mode: "redirect" },
  validateMetadata: loadMetadataValidator(undefined),
  phoneCodeTtlMs: 10 * 60_000,
  smsDailyBudget: 5,
  signupUrl: "https://web.test/signup",
};

type Extra = Partial<Pick<AppDeps, "queues" | "signingKeys" | "corsOrigins">>;

/** The API in-process over a given database connection, with the test instance's settings. */
export async function buildAppOn(db: Database, site: Partial<SiteSettings> = {}, extra: Extra = {}) {
  const signingKeys = extra.signingKeys ?? (await loadSigningKeys({ current: undefined }));
  return buildApp({ db, logger: createLogger({ name: "api-test", level: "silent" }), adminToken, site: { ...defaultSite, ...site }, ...extra, signingKeys });
}

/** The API in-process (fastify inject) on a database of the test's own; no Redis needed. */
export async function buildTestApp(
  site: Partial<SiteSettings> = {},
  extra: Extra = {},
): Promise<{ app: Awaited<ReturnType<typeof buildApp>>; database: TestDatabase; close(): Promise<void> }> {
  const database = await createTestDatabase();
  const app = await buildAppOn(database.db, site, extra);
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
  const tables = ["users", "sign_ups", "outbox", "audit_log", "verification_tokens", "teams", "team_members", "invites", "processed_events"];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await database.sql.unsafe<{ n: number }[]>(`select count(*)::int as n from ${table}`);
    counts[table] = row?.n ?? 0;
  }
  return counts;
}
