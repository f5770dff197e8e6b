import { hashCode } from "@signup/tokens";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signupFieldsSetting } from "../../src/account/signup-fields.ts";
import { buildTestApp, adminToken, tableCounts } from "../build-test-app.ts";
import { outboxTypes, signUpClient } from "./sign-up-client.ts";

describe("invitation tickets", () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  let api: ReturnType<typeof signUpClient>;
  const admin = (method: "POST" | "DELETE", url: string, payload?: Record<string, unknown>) =>
    ctx.app.inject({ method, url, headers: { authorization: `Bearer ${adminToken}` }, ...(payload ? { payload } : {}) });
  beforeAll(async () => {
    ctx = await buildTestApp();
    api = signUpClient(ctx.app);
  });
  afterAll(async () => ctx?.close());

  async function invite(email: string) {
    const team = await admin("POST", "/admin/teams", { name: `Team of ${email}` });
    const created = await admin("POST", `/admin/teams/${team.json().id}/invites`, { email, role: "editor" });
    return {
      invite: created.json(),
      ticket: new URL(created.json().ticketUrl).searchParams.get("ticket")!,
      correlationId: created.headers["x-correlation-id"] as string,
    };
  }

  it("a ticket supplies the address, proves it, and completes the sign-up without any verification mail", async () => {
    const { ticket, correlationId } = await invite("Invited@Example.com");
    const created = await api.create({ strategy: "ticket", ticket, firstName: "Ivy" });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ status: "complete", emailAddress: "Invited@Example.com", unverifiedFields: [], firstName: "Ivy" });
    const userId = created.json.createdUserId as string;
    expect(await outboxTypes(ctx.database, "userId", userId)).toEqual(["EmailVerified", "UserRegistered"]);
    expect(await outboxTypes(ctx.database, "signUpId", created.json.id)).toEqual([]);
    const audit = await ctx.database.sql`select action from audit_log where correlation_id = ${correlationId} order by id`;
    // user.registered and user.email_verified are written by one statement, in either order.
    expect(audit.map((a) => a.action).sort()).toEqual(
      ["invite.created", "sign_up.created", "invite.ticket_redeemed", "user.registered", "user.email_verified", "sign_up.completed"].sort(),
    );
  });

  it("a used, an unknown, an expired and a deleted invite's ticket are refused alike and write nothing", async () => {
    const used = await invite("used@example.com");
    expect((await api.create({ strategy: "ticket", ticket: used.ticket })).status).toBe(201);
    const expired = await invite("expired@example.com");
    await ctx.database.sql`update invites set expires_at = now() - interval '1 second' where id = ${expired.invite.id}`;
    const deleted = await invite("deleted@example.com");
    expect((await admin("DELETE", `/admin/invites/${deleted.invite.id}`)).statusCode).toBe(204);

    const before = await tableCounts(ctx.database);
    const answers = await Promise.all(
      [used.ticket, "no-such-ticket-at-all", expired.ticket, deleted.ticket].map((ticket) => api.create({ strategy: "ticket", ticket })),
    );
    for (const answer of answers) expect([answer.status, answer.json]).toEqual([400, answers[0]!.json]);
    expect(answers[0]!.json.code).toBe("ticket_invalid");
    expect(await tableCounts(ctx.database)).toEqual(before);
  });

  it("a ticket and another address do not mix; a ticket without the strategy is refused", async () => {
    const { ticket } = await invite("mine@example.com");
    const other = await api.create({ strategy: "ticket", ticket, emailAddress: "someone.else@example.com" });
    expect([other.status, other.json.fields[0].code]).toEqual([400, "ticket_mismatch"]);
    const bare = await api.create({ ticket });
    expect([bare.status, bare.json.code]).toEqual([400, "validation_failed"]);
    // The refused tries did not spend the ticket.
    expect((await api.create({ strategy: "ticket", ticket })).json.status).toBe("complete");
  });
});

describe("phone numbers", () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  let api: ReturnType<typeof signUpClient>;
  beforeAll(async () => {
    ctx = await buildTestApp({ fields: signupFieldsSetting.parse("email:required,phoneNumber:required"), smsDailyBudget: 2 });
    api = signUpClient(ctx.app);
  });
  afterAll(async () => ctx?.close());

  /** What the SMS worker stores for a PhoneVerificationPrepared event. */
  const plantSmsCode = async (signUpId: string, code: string) =>
    ctx.database
      .sql`insert into phone_codes (sign_up_id, code_hash, expires_at, event_id) values (${signUpId}, ${hashCode(signUpId, code)}, now() + interval '10 minutes', gen_random_uuid())`;

  it("normalises to E.164, sends one SMS per prepare, and completes only when both address and number are proved", async () => {
    const created = await api.create({ emailAddress: "phone@example.com", phoneNumber: "+1 (202) 555-0123" });
    expect(created.json).toMatchObject({
      phoneNumber: "+12025550123",
      requiredFields: ["email_address", "phone_number"],
      unverifiedFields: ["email_address", "phone_number"],
    });
    const { id, clientToken } = created.json;
    const prepared = await api.prepare(id, clientToken, { strategy: "phone_code" });
    expect(prepared.json.verifications.phoneNumber).toMatchObject({ status: "unverified", strategy: "phone_code", attempts: 0 });
    expect(await outboxTypes(ctx.database, "signUpId", id)).toEqual(["PhoneVerificationPrepared"]);

    await plantSmsCode(id, "246810");
    for (let i = 0; i < 5; i++) expect((await api.attempt(id, clientToken, "000000", "phone_code")).json.code).toBe("verification_failed");
    expect((await api.attempt(id, clientToken, "246810", "phone_code")).json.code).toBe("too_many_attempts");

    // A fresh prepare after the cooldown starts a new count.
    await ctx.database.sql`update sign_ups set phone_prepared_at = now() - interval '2 minutes' where id = ${id}`;
    await api.prepare(id, clientToken, { strategy: "phone_code" });
    await plantSmsCode(id, "135790");
    const phoneOk = await api.attempt(id, clientToken, "135790", "phone_code");
    expect(phoneOk.json).toMatchObject({
      status: "missing_requirements",
      unverifiedFields: ["email_address"],
      verifications: { phoneNumber: { status: "verified" } },
    });
  });

  it("refuses a number that is not one, and keeps each number to its daily SMS budget whoever asks", async () => {
    const bad = await api.create({ emailAddress: "bad.phone@example.com", phoneNumber: "12" });
    expect([bad.status, bad.json.fields[0]]).toEqual([400, expect.objectContaining({ field: "phoneNumber", code: "invalid_phone_number" })]);

    const asks = [];
    for (let i = 0; i < 3; i++) {
      const { json } = await api.create({ emailAddress: `budget${i}@example.com`, phoneNumber: "+442079460958" });
      asks.push(await api.prepare(json.id, json.clientToken, { strategy: "phone_code" }));
    }
    expect(asks.map((a) => a.status)).toEqual([200, 200, 200]);
    const [sent] = await ctx.database
      .sql`select count(*)::int as n from outbox where type = 'PhoneVerificationPrepared' and envelope->'data'->>'signUpId' in (select id::text from sign_ups where phone_number = '+442079460958')`;
    expect(sent!.n).toBe(2);
  });
});
