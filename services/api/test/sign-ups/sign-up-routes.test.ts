import { createLocalJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signupFieldsSetting } from "../../src/account/signup-fields.ts";
import { buildTestApp, tableCounts } from "../build-test-app.ts";
import { outboxTypes, plantCode, signUpClient } from "./sign-up-client.ts";

describe("the sign-up resource: routes, transitions and errors", () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  let api: ReturnType<typeof signUpClient>;
  beforeAll(async () => {
    ctx = await buildTestApp();
    api = signUpClient(ctx.app);
  });
  afterAll(async () => ctx?.close());

  it("create answers 201 with the SignUp and a client token, and records the user once every required field is there", async () => {
    const created = await api.create({ emailAddress: "Grace@Example.com", firstName: "Grace" });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      object: "sign_up",
      status: "missing_requirements",
      requiredFields: ["email_address"],
      optionalFields: ["password", "username", "first_name", "last_name"],
      missingFields: [],
      unverifiedFields: ["email_address"],
      verifications: { emailAddress: null, phoneNumber: null },
      emailAddress: "Grace@Example.com",
      firstName: "Grace",
      hasPassword: false,
      unsafeMetadata: {},
      createdUserId: null,
      completionToken: null,
      abandonAt: null,
    });
    expect(created.json.clientToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [row] = await ctx.database.sql`select client_token_hash, user_id from sign_ups where id = ${created.json.id}`;
    expect(row!.client_token_hash).not.toBe(created.json.clientToken);
    expect(await outboxTypes(ctx.database, "userId", row!.user_id)).toEqual(["UserRegistered"]);
    // Reading never hands the client token out again.
    expect((await api.get(created.json.id, created.json.clientToken)).json).not.toHaveProperty("clientToken");
  });

  it("every call but create needs the client token; a wrong one looks like an unknown id", async () => {
    const { json } = await api.create({ emailAddress: "token@example.com" });
    const answers = await Promise.all([
      api.get(json.id),
      api.get(json.id, "wrong-token"),
      api.get("3f1c1f3e-4b8a-4d6e-9a43-0c9f5e7b2a11", json.clientToken),
      api.get("not-a-uuid", json.clientToken),
      api.patch(json.id, "wrong-token", { firstName: "X" }),
      api.prepare(json.id, "wrong-token"),
      api.attempt(json.id, "wrong-token", "123456"),
    ]);
    for (const answer of answers) expect([answer.status, answer.json]).toEqual([404, { code: "not_found", message: "No such sign-up." }]);
    expect((await api.get(json.id, json.clientToken)).status).toBe(200);
  });

  it("prepare → unverified with expiry; wrong code → verification_failed; right code → complete with a verifiable completion token", async () => {
    const { json: created } = await api.create({ emailAddress: "code@example.com" });
    const token = created.clientToken as string;
    const prepared = await api.prepare(created.id, token);
    expect(prepared.status).toBe(200);
    expect(prepared.json.verifications.emailAddress).toMatchObject({ status: "unverified", strategy: "email_code", attempts: 0 });
    const expireAt = Date.parse(prepared.json.verifications.emailAddress.expireAt);
    expect(expireAt - Date.now()).toBeGreaterThan(23 * 3_600_000);
    expect(await outboxTypes(ctx.database, "signUpId", created.id)).toEqual(["EmailVerificationPrepared"]);
    // A repeat within the cooldown sends nothing more and answers the same.
    expect((await api.prepare(created.id, token)).json.verifications).toEqual(prepared.json.verifications);
    expect(await outboxTypes(ctx.database, "signUpId", created.id)).toEqual(["EmailVerificationPrepared"]);

    await plantCode(ctx.database, created.id, "424242");
    const wrong = await api.attempt(created.id, token, "000000");
    expect([wrong.status, wrong.json.code]).toEqual([422, "verification_failed"]);
    expect((await api.get(created.id, token)).json.verifications.emailAddress.attempts).toBe(1);

    const right = await api.attempt(created.id, token, "424242");
    expect(right.status).toBe(200);
    expect(right.json).toMatchObject({
      status: "complete",
      missingFields: [],
      unverifiedFields: [],
      verifications: { emailAddress: { status: "verified", attempts: 2 } },
    });
    const userId = right.json.createdUserId as string;
    const [user] = await ctx.database.sql`select status, email_verified_at from users where id = ${userId}`;
    expect(user!.status).toBe("active");
    expect(await outboxTypes(ctx.database, "userId", userId)).toEqual(["UserRegistered", "EmailVerified"]);

    const jwks = createLocalJWKSet((await ctx.app.inject({ method: "GET", url: "/.well-known/jwks.json" })).json());
    const { payload } = await jwtVerify(right.json.completionToken, jwks, { issuer: "http://api.test", algorithms: ["ES256"] });
    expect(payload).toMatchObject({ sub: userId, email: "code@example.com", email_verified: true, sign_up_id: created.id });
    expect(payload.exp! - payload.iat!).toBe(300);
    // A used code is spent; a finished sign-up answers as it is.
    expect((await api.attempt(created.id, token, "424242")).json.status).toBe("complete");
  });

  it("five wrong codes fail the verification; the sixth try is too_many_attempts even when right", async () => {
    const { json } = await api.create({ emailAddress: "guess@example.com" });
    await api.prepare(json.id, json.clientToken);
    await plantCode(ctx.database, json.id, "111111");
    for (let i = 0; i < 5; i++) expect((await api.attempt(json.id, json.clientToken, "999999")).json.code).toBe("verification_failed");
    const right = await api.attempt(json.id, json.clientToken, "111111");
    expect([right.status, right.json.code]).toEqual([422, "too_many_attempts"]);
    expect((await api.get(json.id, json.clientToken)).json.verifications.emailAddress).toMatchObject({ status: "failed", attempts: 5 });
  });

  it("an expired verification answers verification_expired; an unprepared one verification_not_prepared", async () => {
    const { json } = await api.create({ emailAddress: "late@example.com" });
    const early = await api.attempt(json.id, json.clientToken, "123456");
    expect([early.status, early.json.code]).toEqual([400, "verification_not_prepared"]);
    await api.prepare(json.id, json.clientToken);
    await plantCode(ctx.database, json.id, "123456");
    await ctx.database.sql`update sign_ups set email_expire_at = now() - interval '1 second' where id = ${json.id}`;
    const late = await api.attempt(json.id, json.clientToken, "123456");
    expect([late.status, late.json.code]).toEqual([422, "verification_expired"]);
    expect((await api.get(json.id, json.clientToken)).json.verifications.emailAddress.status).toBe("expired");
  });

  it("the address is fixed once nothing is missing; a complete sign-up cannot be edited", async () => {
    const { json } = await api.create({ emailAddress: "fixed@example.com" });
    const moved = await api.patch(json.id, json.clientToken, { emailAddress: "other@example.com" });
    expect([moved.status, moved.json.code]).toEqual([409, "email_address_locked"]);
    const named = await api.patch(json.id, json.clientToken, { lastName: "Hopper", unsafeMetadata: { plan: "pro" } });
    expect(named.json).toMatchObject({ lastName: "Hopper", unsafeMetadata: { plan: "pro" } });
    const [user] = await ctx.database.sql`select last_name, metadata from users where email_normalized = 'fixed@example.com'`;
    expect(user).toMatchObject({ last_name: "Hopper", metadata: { plan: "pro" } });

    await api.prepare(json.id, json.clientToken);
    await plantCode(ctx.database, json.id, "202020");
    expect((await api.attempt(json.id, json.clientToken, "202020")).json.status).toBe("complete");
    const late = await api.patch(json.id, json.clientToken, { firstName: "Late" });
    expect([late.status, late.json.code]).toEqual([409, "sign_up_not_editable"]);
  });

  const badBodies: Array<[string, unknown, string, string]> = [
    ["an unknown field", { emailAddress: "x@example.com", role: "admin" }, "validation_failed", "unknown_field"],
    ["a field the instance has off", { emailAddress: "x@example.com", phoneNumber: "+15555550100" }, "validation_failed", "unknown_field"],
    ["a malformed address", { emailAddress: "nope" }, "validation_failed", "invalid_email"],
    ["a short password", { emailAddress: "x@example.com", password: "short" }, "validation_failed", "too_small"],
    ["metadata that is not an object", { emailAddress: "x@example.com", unsafeMetadata: [1, 2] }, "validation_failed", "invalid_type"],
    ["metadata over 4 KiB", { emailAddress: "x@example.com", unsafeMetadata: { blob: "x".repeat(5_000) } }, "validation_failed", "too_big"],
    [
      "a redirect to another origin",
      { emailAddress: "x@example.com", redirectUrl: "https://evil.test/" },
      "redirect_url_not_allowed",
      "redirect_url_not_allowed",
    ],
  ];
  for (const [what, body, code, fieldCode] of badBodies) {
    it(`refuses ${what} with 400 ${code} and writes nothing`, async () => {
      const before = await tableCounts(ctx.database);
      const answer = await api.create(body);
      expect([answer.status, answer.json.code]).toEqual([400, code]);
      expect(answer.json.fields.map((f: { code: string }) => f.code)).toContain(fieldCode);
      expect(await tableCounts(ctx.database)).toEqual(before);
    });
  }

  it("a taken username is 409 username_taken and writes nothing", async () => {
    await api.create({ emailAddress: "ada1@example.com", username: "ada_l" });
    const before = await tableCounts(ctx.database);
    const taken = await api.create({ emailAddress: "ada2@example.com", username: "ADA_L" });
    expect([taken.status, taken.json.code]).toEqual([409, "username_taken"]);
    expect(await tableCounts(ctx.database)).toEqual(before);
  });
});

describe("a sign-up built up in steps", () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  let api: ReturnType<typeof signUpClient>;
  beforeAll(async () => {
    ctx = await buildTestApp({ fields: signupFieldsSetting.parse("email:required,firstName:required,password:optional") });
    api = signUpClient(ctx.app);
  });
  afterAll(async () => ctx?.close());

  it("verifies the address first, then records an active user and completes when the last field arrives", async () => {
    const created = await api.create({ emailAddress: "steps@example.com" });
    expect(created.json).toMatchObject({ requiredFields: ["email_address", "first_name"], missingFields: ["first_name"], status: "missing_requirements" });
    expect(await ctx.database.sql`select 1 from users where email_normalized = 'steps@example.com'`).toHaveLength(0);

    await api.prepare(created.json.id, created.json.clientToken);
    await plantCode(ctx.database, created.json.id, "314159");
    const verified = await api.attempt(created.json.id, created.json.clientToken, "314159");
    expect(verified.json).toMatchObject({
      status: "missing_requirements",
      missingFields: ["first_name"],
      unverifiedFields: [],
      verifications: { emailAddress: { status: "verified" } },
    });

    const done = await api.patch(created.json.id, created.json.clientToken, { firstName: "Steps" });
    expect(done.json).toMatchObject({ status: "complete", missingFields: [] });
    expect(done.json.completionToken).toEqual(expect.any(String));
    const [user] = await ctx.database.sql`select id, status, first_name from users where email_normalized = 'steps@example.com'`;
    expect(user).toMatchObject({ id: done.json.createdUserId, status: "active", first_name: "Steps" });
    expect(await outboxTypes(ctx.database, "userId", user!.id)).toEqual(["EmailVerified", "UserRegistered"]);
  });

  it("a new address before the mail went out starts afresh: the old code no longer works", async () => {
    const created = await api.create({ emailAddress: "first@example.com" });
    await api.prepare(created.json.id, created.json.clientToken);
    await plantCode(ctx.database, created.json.id, "777777");
    const moved = await api.patch(created.json.id, created.json.clientToken, { emailAddress: "second@example.com" });
    expect(moved.json).toMatchObject({ emailAddress: "second@example.com", verifications: { emailAddress: null } });
    await ctx.database.sql`update sign_ups set email_prepared_at = null where id = ${created.json.id}`;
    await api.prepare(created.json.id, created.json.clientToken);
    expect((await api.attempt(created.json.id, created.json.clientToken, "777777")).json.code).toBe("verification_failed");
  });
});
