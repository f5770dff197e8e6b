import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp } from "./build-test-app.ts";

describe("per-IP rate limit on public POSTs", () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  beforeAll(async () => {
    ctx = await buildTestApp({ rateLimitPerMinute: 3 });
  });
  afterAll(async () => ctx?.close());

  it("answers 429 rate_limited with Retry-After once the budget is spent, and writes nothing more", async () => {
    const register = (i: number) => ctx.app.inject({ method: "POST", url: "/account/register", payload: { email: `rl${i}@example.com` } });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await register(i));
    expect(answers.map((a) => a.statusCode)).toEqual([202, 202, 202, 429]);
    const limited = answers[3]!;
    expect(limited.json().code).toBe("rate_limited");
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    const [row] = await ctx.database.sql`select count(*)::int as n from users`;
    expect(row!.n).toBe(3);
    // Pages and reads are not limited.
    expect((await ctx.app.inject({ method: "GET", url: "/account/settings" })).statusCode).toBe(200);
  });
});
