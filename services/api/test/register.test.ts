import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitUntil } from "@signup/test";
import { buildTestApp, tableCounts } from "./build-test-app.ts";

describe("POST /account/register", () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  beforeAll(async () => {
    ctx = await buildTestApp();
  });
  afterAll(async () => ctx?.close());

  const register = (payload: unknown, contentType = "application/json") =>
    ctx.app.inject({
      method: "POST",
      url: "/account/register",
      headers: { "content-type": contentType },
      payload: typeof payload === "string" ? payload : JSON.stringify(payload),
    });

  it("writes the user, its outbox event and an audit entry in one go, and answers 202", async () => {
    const response = await register({ email: "Ada@Example.com", firstName: "Ada" });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ status: "okay" });
    const [user] = await ctx.database.sql`select * from users where email_normalized = 'ada@example.com'`;
    expect(user).toMatchObject({ email: "Ada@Example.com", status: "pending", first_name: "Ada", correlation_id: response.headers["x-correlation-id"] });
    const events = await ctx.database.sql`select type, envelope from outbox where envelope->'data'->>'userId' = ${user!.id}`;
    expect(events.map((e) => e.type)).toEqual(["UserRegistered"]);
    expect(events[0]!.envelope).toMatchObject({ version: 1, correlationId: user!.correlation_id, data: { userId: user!.id } });
  });

  it("answers the same 202 for an address that is already registered, and keeps one user", async () => {
    const first = await register({ email: "twice@example.com" });
    const second = await register({ email: "TWICE@example.com " });
    expect([first.statusCode, second.statusCode]).toEqual([202, 202]);
    expect(second.body).toBe(first.body);
    const users = await ctx.database.sql`select id from users where email_normalized = 'twice@example.com'`;
    expect(users).toHaveLength(1);
    const userId = users[0]!.id as string;
    const events = async () =>
      (await ctx.database.sql`select type from outbox where envelope->'data'->>'userId' = ${userId} order by created_at`).map((e) => e.type);
    // Within the mail cooldown the owner is not mailed again (no mail bombing through sign-ups)...
    expect(await events()).toEqual(["UserRegistered"]);
    // ...after it, the owner hears of the attempt.
    await ctx.database.sql`update users set last_mail_requested_at = now() - interval '2 minutes' where id = ${userId}`;
    expect((await register({ email: "twice@example.com" })).statusCode).toBe(202);
    expect(await events()).toEqual(["UserRegistered", "SignUpAttemptExisting"]);
    expect(await ctx.database.sql`select 1 from users where email_normalized = 'twice@example.com'`).toHaveLength(1);
  });

  it("concurrent sign-ups for one address make one user and one UserRegistered", async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, () => register({ email: "race@example.com" })));
    expect(answers.map((a) => a.statusCode)).toEqual([202, 202, 202, 202, 202]);
    const users = await ctx.database.sql`select id from users where email_normalized = 'race@example.com'`;
    expect(users).toHaveLength(1);
    const registered = await ctx.database.sql`select 1 from outbox where type = 'UserRegistered' and envelope->'data'->>'userId' = ${users[0]!.id}`;
    expect(registered).toHaveLength(1);
    // Every sign-up asked for its mail once (audited), and only the one that recorded the account queued a verification mail.
    const signUps = await ctx.database.sql`select id::text, email_prepared_at from sign_ups where email_normalized = 'race@example.com'`;
    expect(signUps.map((row) => row.email_prepared_at !== null)).toEqual([true, true, true, true, true]);
    const ids = signUps.map((row) => row.id as string);
    const asked = await ctx.database.sql`select data->>'signUpId' as id from audit_log
      where data->>'signUpId' in ${ctx.database.sql(ids)} and action in ('sign_up.verification_prepared', 'sign_up.verification_throttled', 'user.signup_attempt_existing', 'user.signup_attempt_throttled')`;
    expect(asked.map((row) => row.id).sort()).toEqual([...ids].sort());
    const mails = await ctx.database
      .sql`select 1 from outbox where type = 'EmailVerificationPrepared' and envelope->'data'->>'signUpId' in ${ctx.database.sql(ids)}`;
    expect(mails).toHaveLength(1);
  });

  it("an account recorded by another sign-up between register's two statements is told, not sent a second verification mail", async () => {
    // The other sign-up's account, uncommitted: register's first statement cannot see it, and its
    // save waits on the address's unique index until this commits.
    let commit = () => {};
    const gate = new Promise<void>((resolve) => {
      commit = resolve;
    });
    let inserted = () => {};
    const insertedFirst = new Promise<void>((resolve) => {
      inserted = resolve;
    });
    const otherUserId = crypto.randomUUID();
    const other = ctx.database.sql.begin(async (tx) => {
      await tx`insert into users (id, email, email_normalized, status, correlation_id) values (${otherUserId}, 'between@example.com', 'between@example.com', 'pending', 'other')`;
      inserted();
      await gate;
    });
    await insertedFirst; // before register's first statement, or register would record the account itself
    const answer = register({ email: "between@example.com" });
    await waitUntil(
      async () =>
        (await ctx.database.sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)[0]!.n > 0,
      { timeoutMs: 5_000, intervalMs: 25, what: "register to wait on the other sign-up's account" },
    );
    commit();
    await other;
    expect((await answer).statusCode).toBe(202);

    const [signUp] = await ctx.database
      .sql`select id::text, user_id::text, owns_user, email_prepared_at from sign_ups where email_normalized = 'between@example.com'`;
    expect(signUp).toMatchObject({ user_id: otherUserId, owns_user: false });
    expect(signUp!.email_prepared_at).not.toBeNull();
    const events = await ctx.database.sql`select type from outbox where envelope->'data'->>'signUpId' = ${signUp!.id as string}`;
    expect(events.map((e) => e.type)).toEqual(["SignUpAttemptExisting"]);
    expect(await ctx.database.sql`select 1 from users where email_normalized = 'between@example.com'`).toHaveLength(1);
  });

  it("a taken username is a 409 that writes nothing", async () => {
    expect((await register({ email: "first@example.com", username: "ada" })).statusCode).toBe(202);
    const before = await tableCounts(ctx.database);
    const taken = await register({ email: "second@example.com", username: "ADA" });
    expect([taken.statusCode, taken.json().code]).toEqual([409, "username_taken"]);
    expect(await tableCounts(ctx.database)).toEqual(before);
  });

  it("hashes a password with argon2id and never stores it in clear", async () => {
    await register({ email: "pw@example.com", password: "correct horse battery" });
    const [user] = await ctx.database.sql`select password_hash from users where email_normalized = 'pw@example.com'`;
    expect(user!.password_hash).toMatch(/^\$argon2id\$v=19\$m=9216,t=4,p=1\$/);
    const [outbox] = await ctx.database.sql`select count(*)::int as n from outbox where envelope::text like '%correct horse%'`;
    expect(outbox!.n).toBe(0);
  });

  const badInputs: Array<[string, unknown, string, number, string?, string?]> = [
    ["no email", { firstName: "Ada" }, "application/json", 400, "validation_failed", "required"],
    ["a malformed email", { email: "not-an-address" }, "application/json", 400, "validation_failed", "invalid_email"],
    ["an unknown field", { email: "x@example.com", admin: true }, "application/json", 400, "validation_failed", "unknown_field"],
    ["a body that is not JSON", "{email: nope", "application/json", 400, "invalid_json"],
    ["a plain-text body", "email=x@example.com", "text/plain", 400, "invalid_body"],
    ["a JSON array", [{ email: "x@example.com" }], "application/json", 400, "invalid_body"],
    ["a too short password", { email: "short@example.com", password: "abc" }, "application/json", 400, "validation_failed", "too_small"],
  ];

  for (const [what, payload, contentType, status, code, fieldCode] of badInputs) {
    it(`refuses ${what} with ${status} ${code} and writes nothing`, async () => {
      const before = await tableCounts(ctx.database);
      const response = await register(payload, contentType);
      expect(response.statusCode).toBe(status);
      const body = response.json();
      expect(body.code).toBe(code);
      expect(typeof body.message).toBe("string");
      expect(response.body).not.toMatch(/at .*\.ts:\d+|stack/i);
      if (fieldCode) expect(body.fields.map((f: { code: string }) => f.code)).toContain(fieldCode);
      expect(await tableCounts(ctx.database)).toEqual(before);
    });
  }

  it("answers unknown routes with a JSON 404 code", async () => {
    const response = await ctx.app.inject({ method: "GET", url: "/nope" });
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe("not_found");
  });
});
