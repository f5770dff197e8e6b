import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateToken, hashCode, hashToken } from "@signup/tokens";
import { buildTestApp } from "./build-test-app.ts";

describe("verification by typed code", () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  beforeAll(async () => {
    ctx = await buildTestApp();
  });
  afterAll(async () => ctx?.close());

  async function pendingUser(code: string, options: { expiresInMs?: number } = {}) {
    const userId = randomUUID();
    const email = `${userId}@example.com`;
    await ctx.database.sql`insert into users (id, email, email_normalized, correlation_id) values (${userId}, ${email}, ${email}, 'corr')`;
    await ctx.database
      .sql`insert into verification_tokens (user_id, token_hash, code_hash, expires_at) values (${userId}, ${hashToken(generateToken())}, ${hashCode(userId, code)}, ${new Date(Date.now() + (options.expiresInMs ?? 3_600_000)).toISOString()})`;
    return { userId, email };
  }
  const submit = (email: string, code: string) =>
    ctx.app.inject({ method: "POST", url: "/account/verify", headers: { accept: "application/json" }, payload: { email, code } });
  const status = async (userId: string) => (await ctx.database.sql`select status from users where id = ${userId}`)[0]!.status;

  it("the right code verifies once; a second use is refused as used", async () => {
    const { userId, email } = await pendingUser("123456");
    const first = await submit(email.toUpperCase(), "123456");
    expect([first.statusCode, first.json()]).toEqual([200, { status: "verified" }]);
    expect(await status(userId)).toBe("active");
    const again = await submit(email, "123456");
    expect([again.statusCode, again.json().code]).toEqual([410, "token_used"]);
    expect(await ctx.database.sql`select 1 from outbox where type = 'EmailVerified' and envelope->'data'->>'userId' = ${userId}`).toHaveLength(1);
  });

  it("five wrong codes kill it: the sixth try fails even when right", async () => {
    const { userId, email } = await pendingUser("654321");
    for (let i = 0; i < 5; i++) {
      const wrong = await submit(email, "000000");
      expect([wrong.statusCode, wrong.json().code]).toEqual([400, "token_invalid"]);
    }
    const right = await submit(email, "654321");
    expect([right.statusCode, right.json().code]).toEqual([429, "too_many_attempts"]);
    expect(await status(userId)).toBe("pending");
  });

  it("a code for another address fails and counts as a wrong try there", async () => {
    const alice = await pendingUser("111111");
    const bob = await pendingUser("222222");
    const crossed = await submit(bob.email, "111111");
    expect([crossed.statusCode, crossed.json().code]).toEqual([400, "token_invalid"]);
    expect(await status(bob.userId)).toBe("pending");
    expect(await status(alice.userId)).toBe("pending");
    const [token] = await ctx.database.sql`select attempts from verification_tokens where user_id = ${bob.userId}`;
    expect(token!.attempts).toBe(1);
  });

  it("an unknown address and an expired code get the link's error codes", async () => {
    const unknown = await submit("nobody@example.com", "123456");
    expect(unknown.json().code).toBe("token_invalid");
    const { email } = await pendingUser("333333", { expiresInMs: -1_000 });
    const late = await submit(email, "333333");
    expect([late.statusCode, late.json().code]).toEqual([410, "token_expired"]);
  });

  it("a malformed code is a field error and counts nothing", async () => {
    const { userId, email } = await pendingUser("444444");
    const bad = await submit(email, "12ab");
    expect([bad.statusCode, bad.json().code, bad.json().fields[0].field]).toEqual([400, "validation_failed", "code"]);
    const [token] = await ctx.database.sql`select attempts from verification_tokens where user_id = ${userId}`;
    expect(token!.attempts).toBe(0);
  });
});
