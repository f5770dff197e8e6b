import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InviteAccepted, SignUpAttemptExisting, UserRegistered } from "@signup/contracts";
import { hashToken } from "@signup/tokens";
import { createTestDatabase, startSmtpSink, type SmtpSink, type TestDatabase } from "@signup/test";
import { notifyOwner } from "../src/handlers/notify-owner.ts";
import { notifyTeamJoined } from "../src/handlers/notify-team-joined.ts";
import { sendVerification } from "../src/handlers/send-verification.ts";
import { smtpSender } from "../src/smtp-sender.ts";
import type { MailerDeps } from "../src/mail-deps.ts";

describe("verification mail over real SMTP", () => {
  let database: TestDatabase;
  let smtp: SmtpSink;
  let sender: ReturnType<typeof smtpSender>;
  let deps: MailerDeps;

  beforeAll(async () => {
    database = await createTestDatabase();
    smtp = await startSmtpSink();
    sender = smtpSender(smtp.url, "Test <no-reply@example.com>");
    deps = {
      db: database.db,
      send: sender.send,
      settings: { publicUrl: "https://app.example.com/", productName: "Acme", tokenTtlMs: 2 * 3_600_000, signupUrl: "https://web.example.com/signup" },
    };
  });
  afterAll(async () => {
    sender?.close();
    await smtp?.stop();
    await database?.drop();
  });

  async function user(status: "pending" | "active" = "pending") {
    const id = randomUUID();
    await database.sql`insert into users (id, email, email_normalized, status, correlation_id) values (${id}, ${`${id}@example.com`}, ${`${id}@example.com`}, ${status}, 'corr')`;
    return id;
  }

  it("sends a link and a code in text and HTML, and stores only hashes", async () => {
    const userId = await user();
    const event = UserRegistered.create({ userId }, { correlationId: "corr" });
    expect(await sendVerification(event, deps)).toEqual({ outcome: "done" });

    const mail = await smtp.waitForMail((m) => m.to.includes(`${userId}@example.com`));
    expect(mail.subject).toBe("Verify your email address for Acme");
    const link = /https:\/\/app\.example\.com\/account\/verify\/([A-Za-z0-9_-]{43})/.exec(mail.text);
    const code = /code on the sign-up page: (\d{6})/.exec(mail.text)?.[1];
    expect(link).not.toBeNull();
    expect(code).toBeDefined();
    expect(mail.html).toContain(link![0]);
    expect(mail.html).toContain(code!);
    // The text part carries what the HTML part does: link, code, expiry, product, "not you?".
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain(link![0]);
      expect(part).toContain(code!);
      expect(part).toContain("expire in 2 hours");
      expect(part).toContain("Acme");
      expect(part).toContain("Not you?");
    }
    expect(mail.html).toMatch(/<table role="presentation"/);
    expect(mail.html).toMatch(/<a href="https:\/\/app\.example\.com\/account\/verify\/[^"]+"[^>]*>Verify email address<\/a>/);

    const [token] = await database.sql`select token_hash, code_hash, expires_at from verification_tokens where user_id = ${userId}`;
    expect(token!.token_hash).toBe(hashToken(link![1]!));
    expect(JSON.stringify(token)).not.toContain(link![1]);
    expect(JSON.stringify(token)).not.toContain(`"${code}"`);
  });

  it("does not send twice for one event, nor to a verified user", async () => {
    const userId = await user();
    const event = UserRegistered.create({ userId }, { correlationId: "corr" });
    await sendVerification(event, deps);
    expect(await sendVerification(event, deps)).toEqual({ outcome: "skipped", reason: "already_sent" });
    expect(smtp.mails.filter((m) => m.to.includes(`${userId}@example.com`))).toHaveLength(1);

    const active = await user("active");
    expect(await sendVerification(UserRegistered.create({ userId: active }, { correlationId: "c" }), deps)).toEqual({
      outcome: "skipped",
      reason: "already_verified",
    });
  });

  it("tells a verified owner about a sign-up attempt, and re-sends the link to a pending one", async () => {
    const owner = await user("active");
    await notifyOwner(SignUpAttemptExisting.create({ userId: owner }, { correlationId: "c" }), deps);
    const notice = await smtp.waitForMail((m) => m.to.includes(`${owner}@example.com`));
    expect(notice.subject).toContain("Someone tried to sign up");
    expect(notice.text).not.toMatch(/account\/verify/);

    const pending = await user();
    await notifyOwner(SignUpAttemptExisting.create({ userId: pending }, { correlationId: "c" }), deps);
    const again = await smtp.waitForMail((m) => m.to.includes(`${pending}@example.com`));
    expect(again.subject).toContain("Verify your email address");
  });

  it("tells a user which team their invite put them in", async () => {
    const userId = await user("active");
    const [team] = await database.sql`insert into teams (name) values ('Research & <Development>') returning id`;
    await database.sql`insert into team_members (team_id, user_id, role) values (${team!.id}, ${userId}, 'editor')`;
    const event = InviteAccepted.create({ userId, teamId: team!.id, inviteId: randomUUID() }, { correlationId: "c" });
    expect(await notifyTeamJoined(event, deps)).toEqual({ outcome: "done" });
    const mail = await smtp.waitForMail((m) => m.to.includes(`${userId}@example.com`));
    expect(mail.subject).toBe("You have joined Research & <Development> on Acme");
    expect(mail.text).toContain("member of Research & <Development>");
    expect(mail.html).toContain("Research &amp; &lt;Development&gt;");
    expect(await notifyTeamJoined(event, deps)).toEqual({ outcome: "skipped", reason: "already_sent" });
  });
  // The bookkeeping is batched across the mails in flight (send-once.ts): many handlers at once
  // must still each send and record once, and a replay of any of them must skip.
  it("records each of 40 concurrent mails once, with its own audit entry, and skips every replay", async () => {
    const events = await Promise.all(
      Array.from({ length: 40 }, async () => {
        const id = randomUUID();
        await database.sql`insert into users (id, email, email_normalized, status, correlation_id) values (${id}, ${`${id}@example.com`}, ${`${id}@example.com`}, 'pending', ${id})`;
        return UserRegistered.create({ userId: id }, { correlationId: id });
      }),
    );
    // Each event twice at once, as two deliveries racing, then every one again.
    const first = await Promise.all([...events, ...events].map((event) => sendVerification(event, deps)));
    expect(first.filter((r) => r.outcome === "done").length).toBeGreaterThanOrEqual(40);
    const replay = await Promise.all(events.map((event) => sendVerification(event, deps)));
    expect(replay.every((r) => r.outcome === "skipped" && r.reason === "already_sent")).toBe(true);

    const ids = events.map((e) => e.id);
    const inbox = await database.sql`select event_id from processed_events where consumer = 'mailer' and event_id = any(${ids}::uuid[])`;
    const audits = await database.sql<{ event_id: string; user_id: string; correlation_id: string }[]>`
      select event_id, user_id, correlation_id from audit_log where action = 'verification.sent' and event_id = any(${ids}::uuid[])`;
    const intents = await database.sql`select event_id from mail_intents where event_id = any(${ids}::uuid[])`;
    expect(inbox).toHaveLength(40);
    expect(intents).toHaveLength(40);
    expect(audits).toHaveLength(40);
    for (const event of events) {
      const entry = audits.find((a) => a.event_id === event.id);
      expect(entry?.user_id).toBe(event.data.userId);
      expect(entry?.correlation_id).toBe(event.correlationId);
    }
    for (const event of events) expect(smtp.mails.filter((m) => m.to.includes(`${event.data.userId}@example.com`)).length).toBeGreaterThanOrEqual(1);
  });
});
