import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmailVerificationPrepared } from "@signup/contracts";
import { createTestDatabase, startSmtpSink, type SmtpSink, type TestDatabase } from "@signup/test";
import { reconcileIntent } from "../src/handlers/send-once.ts";
import { sendSignUpVerification } from "../src/handlers/send-verification.ts";
import { smtpSender } from "../src/smtp-sender.ts";
import type { MailerDeps } from "../src/mail-deps.ts";

/**
 * Issue 8, finding 1: a mailer that dies after the SMTP server took the mail but before recording
 * it. The retry finds the reason for the mail gone (the person already verified with it) and used
 * to return "skipped" with no audit entry for a mail that went out.
 */
describe("a mail sent by a worker that died before recording it", () => {
  let database: TestDatabase;
  let smtp: SmtpSink;
  let sender: ReturnType<typeof smtpSender>;
  const settings = { publicUrl: "https://api.example.com", productName: "Acme", tokenTtlMs: 3_600_000, signupUrl: "https://web.example.com/signup" };
  beforeAll(async () => {
    database = await createTestDatabase();
    smtp = await startSmtpSink();
    sender = smtpSender(smtp.url, "Test <no-reply@example.com>");
  });
  afterAll(async () => {
    sender?.close();
    await smtp?.stop();
    await database?.drop();
  });

  it("is still recorded, with its audit entry, when the retry finds nothing left to send", async () => {
    const signUpId = randomUUID();
    await database.sql`insert into sign_ups (id, client_token_hash, correlation_id, email_address, email_normalized) values (${signUpId}, 'x', 'corr', 'died@example.com', 'died@example.com')`;
    const event = EmailVerificationPrepared.create({ signUpId, strategy: "email_link" }, { correlationId: "corr" });

    // The SMTP server accepts the mail, then the worker "dies" before it records anything.
    const dying: MailerDeps = {
      db: database.db,
      settings,
      send: async (mail) => {
        await sender.send(mail);
        throw new Error("killed after send");
      },
    };
    const handle = (deps: MailerDeps) => reconcileIntent(deps, (e: typeof event) => sendSignUpVerification(e, deps))(event);
    await expect(handle(dying)).rejects.toThrow("killed after send");
    await smtp.waitForMail((m) => m.to.includes("died@example.com"));
    expect(await database.sql`select 1 from audit_log where event_id = ${event.id}`).toHaveLength(0);

    // Meanwhile the person clicked the link in that mail.
    await database.sql`update sign_ups set email_verified_at = now() where id = ${signUpId}`;
    const healthy: MailerDeps = { db: database.db, settings, send: sender.send };
    expect(await handle(healthy)).toEqual({ outcome: "done", reconciled: true });

    const audit = await database.sql`select action, data from audit_log where event_id = ${event.id}`;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "verification.sent", data: { reconciled: true, skippedBecause: "already_verified", signUpId } });
    expect(await database.sql`select 1 from processed_events where consumer = 'mailer' and event_id = ${event.id}`).toHaveLength(1);
    expect(smtp.mails.filter((m) => m.to.includes("died@example.com"))).toHaveLength(1);
    // And once recorded, a third run is a plain skip.
    expect(await handle(healthy)).toEqual({ outcome: "skipped", reason: "already_sent" });
  });

  it("sends again when the reason still holds (at-least-once), and records it once", async () => {
    const signUpId = randomUUID();
    await database.sql`insert into sign_ups (id, client_token_hash, correlation_id, email_address, email_normalized) values (${signUpId}, 'x', 'corr', 'again@example.com', 'again@example.com')`;
    const event = EmailVerificationPrepared.create({ signUpId, strategy: "email_code" }, { correlationId: "corr" });
    const dying: MailerDeps = {
      db: database.db,
      settings,
      send: async (mail) => {
        await sender.send(mail);
        throw new Error("killed after send");
      },
    };
    await expect(sendSignUpVerification(event, dying)).rejects.toThrow();
    expect(await sendSignUpVerification(event, { db: database.db, settings, send: sender.send })).toEqual({ outcome: "done" });
    await smtp.waitForMail((m) => m.to.includes("again@example.com") && smtp.mails.filter((x) => x.to.includes("again@example.com")).length === 2);
    expect(await database.sql`select action from audit_log where event_id = ${event.id}`).toEqual([{ action: "verification.sent" }]);
  });
});
