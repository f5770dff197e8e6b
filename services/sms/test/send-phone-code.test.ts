import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PhoneVerificationPrepared } from "@signup/contracts";
import { hashCode } from "@signup/tokens";
import { createTestDatabase, type TestDatabase } from "@signup/test";
import { startTwilioServer, type TwilioServer } from "@signup/test/sms-servers";
import { sendPhoneCode, type SmsDeps } from "../src/handlers/send-phone-code.ts";
import { twilioProvider } from "../src/providers/twilio.ts";

const number = "+15555550123";

describe("sending a phone code (real PostgreSQL, Twilio contract server)", () => {
  let database: TestDatabase;
  let twilio: TwilioServer;
  let deps: SmsDeps;

  beforeAll(async () => {
    [database, twilio] = await Promise.all([createTestDatabase(), startTwilioServer()]);
    const provider = twilioProvider({
      accountSid: twilio.accountSid,
      authToken: twilio.authToken,
      from: "+15550000000",
      baseUrl: twilio.url,
      timeoutMs: 2_000,
    });
    deps = { db: database.db, provider, productName: "Acme" };
  });
  afterAll(async () => {
    await twilio?.close();
    await database?.drop();
  });
  beforeEach(() => twilio.faults.clear());

  type SignUpRow = { phone?: string | null; expireAt?: Date | null; status?: string; taken?: boolean; verifiedAt?: Date | null; userId?: string | null };
  async function signUp(row: SignUpRow = {}): Promise<string> {
    const id = randomUUID();
    const expireAt = row.expireAt === undefined ? new Date(Date.now() + 5 * 60_000) : row.expireAt;
    // drizzle's postgres.js client exchanges timestamps as strings.
    const iso = (date: Date | null | undefined) => date?.toISOString() ?? null;
    await database.sql`
      insert into sign_ups (id, client_token_hash, correlation_id, phone_number, phone_expire_at, status, phone_taken, phone_verified_at, user_id, owns_user)
      values (${id}, ${randomUUID()}, 'corr-sms', ${row.phone === undefined ? number : row.phone}, ${iso(expireAt)}::timestamptz, ${row.status ?? "missing_requirements"},
              ${row.taken ?? false}, ${iso(row.verifiedAt)}::timestamptz, ${row.userId ?? null}, ${Boolean(row.userId)})`;
    return id;
  }
  const prepared = (signUpId: string) => PhoneVerificationPrepared.create({ signUpId }, { correlationId: "corr-sms" });
  const smsFor = () => twilio.messages.filter((m) => m.to === number);

  it("texts one code, stores only its hash, and audits with the number masked", async () => {
    const userId = randomUUID();
    await database.sql`insert into users (id, email, email_normalized, correlation_id) values (${userId}, ${`${userId}@example.com`}, ${`${userId}@example.com`}, 'corr-sms')`;
    const expireAt = new Date(Date.now() + 7 * 60_000);
    const id = await signUp({ userId, expireAt });
    const event = prepared(id);
    const before = smsFor().length;

    const result = await sendPhoneCode(event, deps);
    expect(result).toMatchObject({ outcome: "done", messageId: expect.stringMatching(/^SM/) });
    const sent = smsFor().slice(before);
    expect(sent).toHaveLength(1);
    const code = /^(\d{6}) is your Acme verification code\.$/.exec(sent[0]?.body ?? "")?.[1] ?? "";
    expect(code).toMatch(/^\d{6}$/);

    const codes =
      await database.sql`select sign_up_id, code_hash, used_at, event_id, expires_at = ${expireAt.toISOString()}::timestamptz as expires_with_sign_up from phone_codes where sign_up_id = ${id}`;
    expect(codes).toEqual([{ sign_up_id: id, code_hash: hashCode(id, code), used_at: null, event_id: event.id, expires_with_sign_up: true }]);
    expect(JSON.stringify(codes)).not.toContain(`"${code}"`);

    const audit = await database.sql`select actor, action, user_id, correlation_id, event_id, data from audit_log where event_id = ${event.id}`;
    expect(audit).toEqual([
      {
        actor: "sms",
        action: "phone_code.sent",
        user_id: userId,
        correlation_id: "corr-sms",
        event_id: event.id,
        data: { signUpId: id, to: "+1555•••0123", provider: "twilio", messageId: result.messageId },
      },
    ]);
    expect(JSON.stringify(audit)).not.toContain("5555550123");
    const [processed] = await database.sql`select consumer from processed_events where event_id = ${event.id}`;
    expect(processed?.consumer).toBe("sms");
  });

  it("the same event twice texts once", async () => {
    const event = prepared(await signUp());
    const before = smsFor().length;
    expect((await sendPhoneCode(event, deps)).outcome).toBe("done");
    expect(await sendPhoneCode(event, deps)).toEqual({ outcome: "skipped", reason: "already_sent" });
    expect(smsFor().length - before).toBe(1);
    const [audits] = await database.sql`select count(*)::int as n from audit_log where event_id = ${event.id}`;
    expect(audits?.n).toBe(1);
  });

  it("a retry after a failed send replaces the stored hash with the new code's", async () => {
    const id = await signUp({ expireAt: null });
    const event = prepared(id);
    twilio.faults.add({ type: "status", status: 500 });
    await expect(sendPhoneCode(event, deps)).rejects.toThrow(/answered 500/);
    const [first] = await database.sql`select code_hash from phone_codes where event_id = ${event.id}`;
    const before = smsFor().length;

    await sendPhoneCode(event, deps);
    const code = smsFor().slice(before)[0]?.body.slice(0, 6) ?? "";
    const rows = await database.sql`select code_hash, expires_at from phone_codes where event_id = ${event.id}`;
    expect(rows).toHaveLength(1);
    expect(rows[0]?.code_hash).toBe(hashCode(id, code));
    expect(rows[0]?.code_hash).not.toBe(first?.code_hash);
    // No phoneExpireAt on the sign-up: the code lives 10 minutes.
    const ttl = new Date(String(rows[0]?.expires_at)).getTime() - Date.now();
    expect(ttl).toBeGreaterThan(9 * 60_000);
    expect(ttl).toBeLessThanOrEqual(10 * 60_000);
  });

  it("texts nobody when there is nothing to verify or the number is someone else's", async () => {
    const cases: Array<[SignUpRow | "gone", string]> = [
      [{ taken: true }, "phone_taken"],
      [{ verifiedAt: new Date() }, "already_verified"],
      [{ phone: null }, "no_phone_number"],
      [{ status: "complete" }, "not_open"],
      [{ status: "abandoned" }, "not_open"],
      [{ expireAt: new Date(Date.now() - 1_000) }, "expired"],
      ["gone", "sign_up_not_found"],
    ];
    const before = twilio.messages.length;
    for (const [row, reason] of cases) {
      const id = row === "gone" ? randomUUID() : await signUp(row);
      expect(await sendPhoneCode(prepared(id), deps)).toEqual({ outcome: "skipped", reason });
      const [stored] = await database.sql`select count(*)::int as n from phone_codes where sign_up_id = ${id}`;
      expect(stored?.n).toBe(0);
    }
    expect(twilio.messages.length).toBe(before);
  });
});
