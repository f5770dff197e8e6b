import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp } from "../build-test-app.ts";
import { outboxTypes, plantCode, signUpClient } from "./sign-up-client.ts";

/** Everything that legitimately differs between two sign-ups: ids, addresses, clock readings, tokens. */
function comparable(answer: { status: number; json: Record<string, unknown> }, email: string) {
  const text = JSON.stringify(answer.json)
    .replaceAll(email, "<email>")
    .replace(/"(id|clientToken)":"[^"]+"/g, '"$1":"<$1>"')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, "<time>");
  return { status: answer.status, json: JSON.parse(text) as unknown };
}

describe("a taken address answers exactly like a new one", () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  let api: ReturnType<typeof signUpClient>;
  beforeAll(async () => {
    ctx = await buildTestApp();
    api = signUpClient(ctx.app);
  });
  afterAll(async () => ctx?.close());

  it("through create, read, update, prepare and every attempt; only the owner's notice mail differs", async () => {
    const ownerId = randomUUID();
    await ctx.database
      .sql`insert into users (id, email, email_normalized, status, correlation_id) values (${ownerId}, 'owner@example.com', 'owner@example.com', 'active', 'c')`;

    // Each step runs for both, side by side: the taken address and a fresh one.
    const run = async (email: string) => {
      const answers = [];
      const created = await api.create({ emailAddress: email, firstName: "Sam" });
      answers.push(created);
      const { id, clientToken } = created.json;
      answers.push(await api.get(id, clientToken));
      answers.push(await api.patch(id, clientToken, { lastName: "Doe", unsafeMetadata: { plan: "pro" } }));
      answers.push(await api.prepare(id, clientToken, { strategy: "email_code" }));
      answers.push(await api.prepare(id, clientToken, { strategy: "email_code" }));
      for (let i = 0; i < 6; i++) answers.push(await api.attempt(id, clientToken, "000000"));
      answers.push(await api.get(id, clientToken));
      return { id, answers };
    };
    const [taken, fresh] = await Promise.all([run("OWNER@example.com"), run("newcomer@example.com")]);
    expect(taken.answers.map((a) => comparable(a, "OWNER@example.com"))).toEqual(fresh.answers.map((a) => comparable(a, "newcomer@example.com")));
    expect(taken.answers.map((a) => a.status)).toEqual([201, 200, 200, 200, 200, 422, 422, 422, 422, 422, 422, 200]);

    // Behind the identical answers: the owner is told, the newcomer gets a code.
    expect(await outboxTypes(ctx.database, "signUpId", taken.id)).toEqual(["SignUpAttemptExisting"]);
    expect(await outboxTypes(ctx.database, "signUpId", fresh.id)).toEqual(["EmailVerificationPrepared"]);
    expect(await ctx.database.sql`select 1 from users where email_normalized = 'owner@example.com'`).toHaveLength(1);
  });

  it("a sign-up for a taken address can never complete, whatever code it is given", async () => {
    const ownerId = randomUUID();
    await ctx.database
      .sql`insert into users (id, email, email_normalized, status, correlation_id) values (${ownerId}, 'kept@example.com', 'kept@example.com', 'active', 'c')`;
    const { json } = await api.create({ emailAddress: "kept@example.com" });
    await api.prepare(json.id, json.clientToken);
    // Even a code planted for this sign-up (no mail ever carries one) finds nothing to spend for a taken address's owner.
    await plantCode(ctx.database, json.id, "123123");
    await api.attempt(json.id, json.clientToken, "123123");
    const after = await api.get(json.id, json.clientToken);
    expect(after.json.status).toBe("missing_requirements");
    expect(after.json.createdUserId).toBeNull();
    expect(after.json.completionToken).toBeNull();
  });

  it("a second sign-up for a pending address continues that account, and completing it activates it", async () => {
    const first = await api.create({ emailAddress: "pending@example.com" });
    const second = await api.create({ emailAddress: "pending@example.com" });
    const [user] = await ctx.database.sql`select id from users where email_normalized = 'pending@example.com'`;
    await ctx.database.sql`update users set last_mail_requested_at = null where id = ${user!.id}`;
    await api.prepare(second.json.id, second.json.clientToken);
    expect(await outboxTypes(ctx.database, "signUpId", second.json.id)).toEqual(["SignUpAttemptExisting"]);
    await plantCode(ctx.database, second.json.id, "654321");
    const done = await api.attempt(second.json.id, second.json.clientToken, "654321");
    expect(done.json).toMatchObject({ status: "complete", createdUserId: user!.id });
    // The first sign-up's mailbox proof is gone with it: it now reads like any taken address.
    expect((await api.get(first.json.id, first.json.clientToken)).json.status).toBe("missing_requirements");
  });
});
