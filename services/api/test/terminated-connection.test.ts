import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connectDb, type DbHandle } from "@signup/db";
import { buildTestApp } from "./build-test-app.ts";

/**
 * Issue 8, finding 3: a sign-up whose connection PostgreSQL terminates mid-statement used to answer
 * 500 with nothing stored. A trigger holds the first insert in pg_sleep (a sequence, which no
 * rollback undoes, makes it the first only); the test terminates that backend meanwhile.
 */
describe("a sign-up whose database connection is terminated mid-statement", () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  let admin: DbHandle["sql"];
  let adminHandle: DbHandle;
  beforeAll(async () => {
    ctx = await buildTestApp();
    adminHandle = connectDb(inject("postgresAdminUrl"), { max: 1 });
    admin = adminHandle.sql;
    await ctx.database.sql.unsafe(`
      create sequence stall_once;
      create function stall_first_sign_up() returns trigger language plpgsql as $$
      begin
        if new.email_address = 'stalled@example.com' and nextval('stall_once') = 1 then perform pg_sleep(5); end if;
        return new;
      end $$;
      create trigger stall_first_sign_up before insert on sign_ups for each row execute function stall_first_sign_up();`);
  });
  afterAll(async () => {
    await adminHandle?.close();
    await ctx?.close();
  });

  it("is retried on a fresh connection and answers 202, with one user and one event", async () => {
    const answer = ctx.app.inject({ method: "POST", url: "/account/register", payload: { email: "stalled@example.com" } });
    const killed = (async () => {
      for (let i = 0; i < 100; i++) {
        const rows =
          await admin`select pg_terminate_backend(pid) as done from pg_stat_activity where datname = ${ctx.database.name} and wait_event = 'PgSleep'`;
        if (rows.length > 0) return true;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return false;
    })();
    expect(await killed).toBe(true);
    const response = await answer;
    expect([response.statusCode, response.json()]).toEqual([202, { status: "okay" }]);
    const users = await ctx.database.sql`select id from users where email_normalized = 'stalled@example.com'`;
    expect(users).toHaveLength(1);
    expect(await ctx.database.sql`select 1 from outbox where type = 'UserRegistered' and envelope->'data'->>'userId' = ${users[0]!.id}`).toHaveLength(1);
  });
});
