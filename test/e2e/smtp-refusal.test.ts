import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, waitUntil, type TestSystem } from "@signup/test";

/**
 * The small SMTP fault of issue 8 (pnpm chaos runs the big one): the mail server answers 451
 * ("try again later") for a while. The mailer retries with backoff; the person gets the mail once
 * the server takes mail again, and the audit log records it once.
 */
describe("an SMTP server that refuses for a while", () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ label: "e2e-smtp-refusal", only: ["api", "relay", "mailer"], env: { JOB_BACKOFF_MS: "200" } });
  });
  afterAll(async () => system?.stop());

  it("delays the mail, loses nothing and records it once", async () => {
    const { api, smtp, database } = system;
    // Refusing from before the mail is due until 2 s after the first refusal, however long the
    // pipeline takes to get there on a busy machine.
    smtp.refuse(451, Date.now() + 60_000);
    expect((await api.register({ email: "refused@example.com" })).status).toBe(202);
    await waitUntil(async () => smtp.refusals > 0, { timeoutMs: 30_000, what: "the first refusal" });
    smtp.refuse(451, Date.now() + 2_000);
    const mail = await smtp.waitForMail((m) => m.to.includes("refused@example.com"), 30_000);
    expect(mail.subject).toContain("Verify your email address");
    expect(smtp.refusals).toBeGreaterThan(0);
    const [user] = await database.sql`select id from users where email_normalized = 'refused@example.com'`;
    await waitUntil(async () => (await database.sql`select 1 from audit_log where user_id = ${user!.id} and action = 'verification.sent'`).length === 1, {
      timeoutMs: 10_000,
      what: "the mail to be recorded",
    });
    expect(smtp.mails.filter((m) => m.to.includes("refused@example.com"))).toHaveLength(1);
  });
});
