import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InviteCreated, SignUpStalled } from "@signup/contracts";
import { hashCode, hashToken } from "@signup/tokens";
import { createTestDatabase, startSmtpSink, type SmtpSink, type TestDatabase } from "@signup/test";
import { sendInvite } from "../src/handlers/send-invite.ts";
import { sendReminder } from "../src/handlers/send-reminder.ts";
import { smtpSender } from "../src/smtp-sender.ts";
import type { MailerDeps } from "../src/mail-deps.ts";

describe("invite and reminder mails over real SMTP", () => {
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
      settings: { publicUrl: "https://api.example.com", productName: "Acme", tokenTtlMs: 3_600_000, signupUrl: "https://web.example.com/signup" },
    };
  });
  afterAll(async () => {
    sender?.close();
    await smtp?.stop();
    await database?.drop();
  });

  async function invite(email: string) {
    const [team] = await database.sql`insert into teams (name) values ('Research') returning id`;
    const [row] =
      await database.sql`insert into invites (team_id, email, email_normalized, role, invited_by, expires_at) values (${team!.id}, ${email}, ${email.toLowerCase()}, 'editor', 'admin', now() + interval '14 days') returning id`;
    return InviteCreated.create({ inviteId: row!.id, teamId: team!.id }, { correlationId: "c" });
  }

  it("sends the invite with a ticket of its own, stored only as a hash, once per event", async () => {
    const event = await invite("Guest@Example.com");
    expect(await sendInvite(event, deps)).toEqual({ outcome: "done" });
    const mail = await smtp.waitForMail((m) => m.to.some((to) => to.toLowerCase() === "guest@example.com"));
    expect(mail.subject).toBe("You are invited to join Research on Acme");
    const link = /https:\/\/web\.example\.com\/signup\?ticket=([A-Za-z0-9_-]{43})/.exec(mail.text);
    expect(link).not.toBeNull();
    expect(mail.html).toContain(link![0]);
    for (const part of [mail.text, mail.html]) expect(part).toMatch(/expires on \d{1,2} \w+ \d{4}/);
    const tickets = await database.sql`select ticket_hash from invite_tickets where invite_id = ${event.data.inviteId}`;
    expect(tickets.map((t) => t.ticket_hash)).toEqual([hashToken(link![1]!)]);
    expect(await sendInvite(event, deps)).toEqual({ outcome: "skipped", reason: "already_sent" });
  });

  it("sends no invite mail to an address that is already verified, nor for a deleted invite", async () => {
    await database.sql`insert into users (id, email, email_normalized, status, correlation_id) values (${randomUUID()}, 'member@example.com', 'member@example.com', 'active', 'c')`;
    expect(await sendInvite(await invite("member@example.com"), deps)).toEqual({ outcome: "skipped", reason: "address_verified" });
    const gone = await invite("gone@example.com");
    await database.sql`delete from invites where id = ${gone.data.inviteId}`;
    expect(await sendInvite(gone, deps)).toEqual({ outcome: "skipped", reason: "invite_gone" });
  });

  it("reminds an unfinished sign-up once, with a fresh link and code for that sign-up", async () => {
    const id = randomUUID();
    await database.sql`insert into sign_ups (id, client_token_hash, correlation_id, email_address, email_normalized) values (${id}, 'x', 'c', 'late@example.com', 'late@example.com')`;
    const event = SignUpStalled.create({ signUpId: id }, { correlationId: "c" });
    expect(await sendReminder(event, deps)).toEqual({ outcome: "done" });
    const mail = await smtp.waitForMail((m) => m.to.includes("late@example.com"));
    expect(mail.subject).toBe("Finish signing up for Acme");
    const code = /code on the sign-up page: (\d{6})/.exec(mail.text)![1]!;
    const [token] = await database.sql`select code_hash, sign_up_id from verification_tokens where sign_up_id = ${id}`;
    expect(token!.code_hash).toBe(hashCode(id, code));
    expect(await sendReminder(event, deps)).toEqual({ outcome: "skipped", reason: "already_sent" });

    const taken = randomUUID();
    await database.sql`insert into sign_ups (id, client_token_hash, correlation_id, email_address, email_normalized, email_taken) values (${taken}, 'x', 'c', 'owner@example.com', 'owner@example.com', true)`;
    expect(await sendReminder(SignUpStalled.create({ signUpId: taken }, { correlationId: "c" }), deps)).toEqual({
      outcome: "skipped",
      reason: "address_has_an_account",
    });
  });
});
