import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp } from "./build-test-app.ts";

describe("resend and instance settings", () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  beforeAll(async () => {
    ctx = await buildTestApp({
      fields: (await import("../src/account/signup-fields.ts")).signupFieldsSetting.parse("email:required,password:required,firstName:optional"),
    });
  });
  afterAll(async () => ctx?.close());

  const resend = (email: string) => ctx.app.inject({ method: "POST", url: "/account/verify/resend", payload: { email } });
  const resendEvents = async (userId: string) =>
    (await ctx.database.sql`select 1 from outbox where type = 'VerificationRequested' and envelope->'data'->>'userId' = ${userId}`).length;

  it("answers 202 whatever the address, and queues a mail only for a pending one, once per cooldown", async () => {
    const pending = randomUUID();
    const active = randomUUID();
    await ctx.database
      .sql`insert into users (id, email, email_normalized, correlation_id) values (${pending}, ${`${pending}@example.com`}, ${`${pending}@example.com`}, 'c')`;
    await ctx.database
      .sql`insert into users (id, email, email_normalized, status, correlation_id) values (${active}, ${`${active}@example.com`}, ${`${active}@example.com`}, 'active', 'c')`;

    const answers = await Promise.all([
      resend(`${pending}@example.com`),
      resend(`${pending}@example.com`),
      resend(`${active}@example.com`),
      resend("nobody@example.com"),
    ]);
    expect(answers.map((a) => [a.statusCode, a.body])).toEqual(Array(4).fill([202, '{"status":"okay"}']));
    expect(await resendEvents(pending)).toBe(1);
    expect(await resendEvents(active)).toBe(0);

    await ctx.database.sql`update users set last_mail_requested_at = now() - interval '61 seconds' where id = ${pending}`;
    await resend(`${pending}@example.com`);
    expect(await resendEvents(pending)).toBe(2);
  });

  it("publishes the required and optional fields", async () => {
    const settings = await ctx.app.inject({ method: "GET", url: "/account/settings" });
    expect(settings.json()).toMatchObject({
      required: ["email", "password"],
      optional: ["firstName"],
      password: { minLength: 8, maxLength: 128 },
      resendCooldownSeconds: 60,
    });
  });

  it("enforces the settings: a required password, and no field that is off", async () => {
    const missing = await ctx.app.inject({ method: "POST", url: "/account/register", payload: { email: "a@example.com" } });
    expect(missing.json().fields).toEqual([expect.objectContaining({ field: "password", code: "required" })]);
    const off = await ctx.app.inject({
      method: "POST",
      url: "/account/register",
      payload: { email: "a@example.com", password: "long enough", username: "ada" },
    });
    expect(off.json().fields).toEqual([expect.objectContaining({ field: "username", code: "unknown_field" })]);
  });
});
