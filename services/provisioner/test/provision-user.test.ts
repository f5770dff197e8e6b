import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserRegistered } from "@signup/contracts";
import { createTestDatabase, type TestDatabase } from "@signup/test";
import { localAdapter } from "../src/adapters/local.ts";
import { markProvisioningFailed, provisionUser } from "../src/handlers/provision-user.ts";

describe("provisioning with the local IdP", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.drop());

  async function registeredUser() {
    const id = randomUUID();
    await database.sql`insert into users (id, email, email_normalized, first_name, correlation_id) values (${id}, ${`${id}@example.com`}, ${`${id}@example.com`}, 'Ada', 'corr')`;
    return { id, event: UserRegistered.create({ userId: id }, { correlationId: "corr" }) };
  }

  it("creates the user once, stores the IdP's id, and skips a replay", async () => {
    const deps = { db: database.db, adapter: localAdapter(database.db) };
    const { id, event } = await registeredUser();
    const first = await provisionUser(event, deps);
    expect(first.outcome).toBe("done");
    expect(await provisionUser(event, deps)).toEqual({ outcome: "skipped", reason: "already_provisioned" });

    const [user] = await database.sql`select idp, idp_status, idp_internal_id from users where id = ${id}`;
    expect(user).toMatchObject({ idp: "local", idp_status: "provisioned", idp_internal_id: first.internalId });
    const directory = await database.sql`select internal_id from local_directory where external_id = ${id}`;
    expect(directory).toHaveLength(1);
    const audit = await database.sql`select action from audit_log where user_id = ${id}`;
    expect(audit.map((a) => a.action)).toEqual(["user.provisioned"]);
  });

  it("two racing workers make one IdP user and one audit entry", async () => {
    const deps = { db: database.db, adapter: localAdapter(database.db) };
    const { id, event } = await registeredUser();
    const results = await Promise.all([provisionUser(event, deps), provisionUser(event, deps)]);
    expect(results.map((r) => r.outcome).sort()).toEqual(["done", "skipped"]);
    expect(await database.sql`select 1 from local_directory where external_id = ${id}`).toHaveLength(1);
    expect(await database.sql`select 1 from audit_log where user_id = ${id} and action = 'user.provisioned'`).toHaveLength(1);
  });

  it("records a dead letter on the user for the admin view", async () => {
    const deps = { db: database.db, adapter: localAdapter(database.db) };
    const { id, event } = await registeredUser();
    await markProvisioningFailed(event, new Error("IdP said 400: email invalid"), deps);
    const [user] = await database.sql`select idp_status, idp_error from users where id = ${id}`;
    expect(user).toMatchObject({ idp_status: "failed", idp_error: "IdP said 400: email invalid" });
  });
});
