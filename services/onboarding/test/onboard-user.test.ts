import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmailVerified, InviteCreated } from "@signup/contracts";
import { createTestDatabase, type TestDatabase } from "@signup/test";
import { applyInvite } from "../src/handlers/apply-invite.ts";
import { onboardUser } from "../src/handlers/onboard-user.ts";

describe("onboarding on EmailVerified", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.drop());

  async function invitedUser(teamCount: number) {
    const userId = randomUUID();
    const email = `${userId}@example.com`;
    await database.sql`insert into users (id, email, email_normalized, status, correlation_id) values (${userId}, ${email.toUpperCase()}, ${email}, 'active', 'corr')`;
    const teamIds: string[] = [];
    for (let i = 0; i < teamCount; i++) {
      const [team] = await database.sql`insert into teams (name) values (${`team ${i}`}) returning id`;
      await database.sql`insert into invites (team_id, email, email_normalized, role, invited_by, expires_at) values (${team!.id}, ${email}, ${email}, 'member', 'admin', now() + interval '1 day')`;
      teamIds.push(team!.id as string);
    }
    return { userId, teamIds, event: EmailVerified.create({ userId }, { correlationId: "corr" }) };
  }

  const snapshot = async (userId: string) => ({
    members: (await database.sql`select team_id, role from team_members where user_id = ${userId} order by team_id`).map((r) => ({ ...r })),
    invites: (await database.sql`select count(*)::int as n from invites i join users u on u.email_normalized = i.email_normalized where u.id = ${userId}`)[0]!
      .n,
    audit: (await database.sql`select action, team_id from audit_log where user_id = ${userId} order by id`).map((r) => ({ ...r })),
  });

  it("joins every inviting team, deletes the invites and audits each step", async () => {
    const { userId, teamIds, event } = await invitedUser(2);
    const result = await onboardUser(event, { db: database.db });
    expect(result).toEqual({ outcome: "done", teamsJoined: 2 });
    const state = await snapshot(userId);
    expect(state.members.map((m) => m.team_id).sort()).toEqual([...teamIds].sort());
    expect(state.invites).toBe(0);
    expect(state.audit.filter((a) => a.action === "team.member_joined")).toHaveLength(2);
    expect(state.audit.filter((a) => a.action === "invite.consumed")).toHaveLength(2);
  });

  it("run twice for one event: one membership, one set of audit entries", async () => {
    const { userId, event } = await invitedUser(1);
    await onboardUser(event, { db: database.db });
    const once = await snapshot(userId);
    const second = await onboardUser(event, { db: database.db });
    expect(second).toEqual({ outcome: "skipped", reason: "already_processed" });
    expect(await snapshot(userId)).toEqual(once);
    expect(once.members).toHaveLength(1);
  });

  it("a user nobody invited is onboarded once, however often and however concurrently the event comes", async () => {
    const { userId, event } = await invitedUser(0);
    const results = await Promise.all([onboardUser(event, { db: database.db }), onboardUser(event, { db: database.db })]);
    expect(results).toContainEqual({ outcome: "done", teamsJoined: 0 });
    expect(results).toContainEqual({ outcome: "skipped", reason: "already_processed" });
    expect(await onboardUser(event, { db: database.db })).toEqual({ outcome: "skipped", reason: "already_processed" });
    const state = await snapshot(userId);
    expect(state.audit).toEqual([{ action: "user.onboarded", team_id: null }]);
    expect(state.members).toEqual([]);
  });

  it("two workers delivered the same event at once apply it once", async () => {
    const { userId, event } = await invitedUser(3);
    const results = await Promise.all([onboardUser(event, { db: database.db }), onboardUser(event, { db: database.db })]);
    expect(results.map((r) => r.outcome).sort()).toEqual(["done", "skipped"]);
    const state = await snapshot(userId);
    expect(state.members).toHaveLength(3);
    expect(state.audit.filter((a) => a.action === "user.onboarded")).toHaveLength(1);
  });

  it("ignores expired invites and skips a user that no longer exists", async () => {
    const { userId, event } = await invitedUser(0);
    const [team] = await database.sql`insert into teams (name) values ('old') returning id`;
    await database.sql`insert into invites (team_id, email, email_normalized, role, invited_by, expires_at) values (${team!.id}, ${`${userId}@example.com`}, ${`${userId}@example.com`}, 'member', 'admin', now() - interval '1 day')`;
    expect(await onboardUser(event, { db: database.db })).toEqual({ outcome: "done", teamsJoined: 0 });
    const gone = EmailVerified.create({ userId: randomUUID() }, { correlationId: "c" });
    expect(await onboardUser(gone, { db: database.db })).toEqual({ outcome: "skipped", reason: "user_not_found" });
  });

  it("an invite for an address that is already verified is applied at once, once", async () => {
    const { userId } = await invitedUser(0);
    const [team] = await database.sql`insert into teams (name) values ('late invite') returning id`;
    const [invite] =
      await database.sql`insert into invites (team_id, email, email_normalized, role, invited_by, expires_at) values (${team!.id}, ${`${userId}@example.com`}, ${`${userId}@example.com`}, 'viewer', 'admin', now() + interval '1 day') returning id`;
    const event = InviteCreated.create({ inviteId: invite!.id, teamId: team!.id }, { correlationId: "admin-req" });

    expect(await applyInvite(event, { db: database.db })).toEqual({ outcome: "done", teamsJoined: 1 });
    expect(await applyInvite(event, { db: database.db })).toEqual({ outcome: "skipped", reason: "already_processed" });
    const state = await snapshot(userId);
    expect(state.members).toEqual([{ team_id: team!.id, role: "viewer" }]);
    expect(state.invites).toBe(0);
    const mails = await database.sql`select 1 from outbox where type = 'InviteAccepted' and envelope->'data'->>'inviteId' = ${invite!.id}`;
    expect(mails).toHaveLength(1);
  });

  it("an invite for an address not yet verified waits for EmailVerified", async () => {
    const userId = randomUUID();
    const email = `${userId}@example.com`;
    await database.sql`insert into users (id, email, email_normalized, correlation_id) values (${userId}, ${email}, ${email}, 'corr')`;
    const [team] = await database.sql`insert into teams (name) values ('early invite') returning id`;
    const [invite] =
      await database.sql`insert into invites (team_id, email, email_normalized, role, invited_by, expires_at) values (${team!.id}, ${email}, ${email}, 'member', 'admin', now() + interval '1 day') returning id`;
    expect(await applyInvite(InviteCreated.create({ inviteId: invite!.id, teamId: team!.id }, { correlationId: "c" }), { db: database.db })).toEqual({
      outcome: "skipped",
      reason: "no_verified_owner_yet",
    });
    expect(await database.sql`select 1 from invites where id = ${invite!.id}`).toHaveLength(1);
  });
});
