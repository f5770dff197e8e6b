import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateToken, hashToken } from "@signup/tokens";
import { buildTestApp, tableCounts } from "./build-test-app.ts";

describe("verification links", () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  beforeAll(async () => {
    ctx = await buildTestApp();
  });
  afterAll(async () => ctx?.close());

  async function pendingUserWithToken(options: { expiresInMs?: number } = {}) {
    const userId = randomUUID();
    const token = generateToken();
    await ctx.database
      .sql`insert into users (id, email, email_normalized, correlation_id) values (${userId}, ${`${userId}@example.com`}, ${`${userId}@example.com`}, ${`corr-${userId}`})`;
    await ctx.database
      .sql`insert into verification_tokens (user_id, token_hash, expires_at) values (${userId}, ${hashToken(token)}, ${new Date(Date.now() + (options.expiresInMs ?? 3_600_000)).toISOString()})`;
    return { userId, token };
  }
  const post = (token: string, json = true) =>
    ctx.app.inject({ method: "POST", url: `/account/verify/${token}`, headers: json ? { accept: "application/json" } : {} });

  it("GET shows the button and changes nothing", async () => {
    const { token } = await pendingUserWithToken();
    const before = await tableCounts(ctx.database);
    const page = await ctx.app.inject({ method: "GET", url: `/account/verify/${token}` });
    expect(page.statusCode).toBe(200);
    expect(page.headers["referrer-policy"]).toBe("no-referrer");
    expect(page.body).toContain(">Verify email address</button>");
    expect(page.body).toContain('method="post"');
    expect(await tableCounts(ctx.database)).toEqual(before);
    const [row] = await ctx.database.sql`select used_at from verification_tokens where token_hash = ${hashToken(token)}`;
    expect(row!.used_at).toBeNull();
  });

  it("POST verifies once, under the sign-up's correlation id, then reports the link as used", async () => {
    const { userId, token } = await pendingUserWithToken();
    const first = await post(token);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ status: "verified" });
    const [user] = await ctx.database.sql`select status, email_verified_at from users where id = ${userId}`;
    expect(user!.status).toBe("active");
    const events = await ctx.database.sql`select envelope from outbox where type = 'EmailVerified' and envelope->'data'->>'userId' = ${userId}`;
    expect(events).toHaveLength(1);
    expect(events[0]!.envelope.correlationId).toBe(`corr-${userId}`);

    const again = await post(token);
    expect(again.statusCode).toBe(410);
    expect(again.json().code).toBe("token_used");
  });

  it("a browser's form post is redirected to the app with 303", async () => {
    const { token } = await pendingUserWithToken();
    const response = await post(token, false);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe("/account/verified");
  });

  it("of two concurrent POSTs exactly one wins", async () => {
    const { userId, token } = await pendingUserWithToken();
    const results = await Promise.all([post(token), post(token), post(token)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 410, 410]);
    const events = await ctx.database.sql`select 1 from outbox where type = 'EmailVerified' and envelope->'data'->>'userId' = ${userId}`;
    expect(events).toHaveLength(1);
  });

  it("distinguishes invalid, expired and used links", async () => {
    const invalid = await post(generateToken());
    expect([invalid.statusCode, invalid.json().code]).toEqual([404, "token_invalid"]);
    const { token: expired } = await pendingUserWithToken({ expiresInMs: -1_000 });
    const late = await post(expired);
    expect([late.statusCode, late.json().code]).toEqual([410, "token_expired"]);
    const page = await ctx.app.inject({ method: "GET", url: `/account/verify/${expired}` });
    expect(page.statusCode).toBe(410);
    expect(page.body).toContain("expired");
  });
});
