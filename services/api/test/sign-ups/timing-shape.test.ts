import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InjectOptions } from "fastify";
import { connectDb, type DbHandle } from "@signup/db";
import { buildAppOn, buildTestApp } from "../build-test-app.ts";

/**
 * Issue 8, finding 5: a sign-up for a taken address was consistently slower than for a new one.
 * Timing itself is measured by the benchmark (`pnpm bench --only timing`); this test holds the cause
 * in place: both paths send PostgreSQL the same number of statements, so no round trip tells a
 * taken address from a new one.
 */
describe("a taken and a new address cost the same round trips", () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  let counted: DbHandle;
  let app: Awaited<ReturnType<typeof buildAppOn>>;
  let statements = 0;
  beforeAll(async () => {
    ctx = await buildTestApp();
    counted = connectDb(ctx.database.url, { max: 1, onQuery: () => statements++ });
    app = await buildAppOn(counted.db);
    await counted.sql`select 1`; // the driver's first statement on a connection reads type oids
    await ctx.database.sql`insert into users (id, email, email_normalized, status, correlation_id)
      values (${randomUUID()}, 'taken@example.com', 'taken@example.com', 'active', 'c'), (${randomUUID()}, 'owner@example.com', 'owner@example.com', 'active', 'c')`;
  });
  afterAll(async () => {
    await app?.close();
    await counted?.close();
    await ctx?.close();
  });

  async function count(request: InjectOptions) {
    statements = 0;
    const response = await app.inject(request);
    return { status: response.statusCode, statements, body: response.json() as Record<string, string> };
  }

  it("for the one-shot sign-up", async () => {
    const register = (email: string) => count({ method: "POST", url: "/account/register", payload: { email } });
    const taken = await register("taken@example.com");
    const fresh = await register("fresh@example.com");
    // BEGIN, the sign-up's insert, settle's save with the mail asked for, COMMIT.
    expect(fresh.statements).toBe(4);
    expect({ status: taken.status, statements: taken.statements }).toEqual({ status: 202, statements: fresh.statements });
  });

  it("for create and prepare on the resource", async () => {
    const run = async (email: string) => {
      const created = await count({ method: "POST", url: "/v1/sign-ups", payload: { emailAddress: email } });
      const prepared = await count({
        method: "POST",
        url: `/v1/sign-ups/${created.body.id}/prepare-verification`,
        headers: { authorization: `Bearer ${created.body.clientToken}` },
        payload: { strategy: "email_code" },
      });
      return [created.statements, prepared.statements];
    };
    expect(await run("owner@example.com")).toEqual(await run("fresh.resource@example.com"));
  });
});
