import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedis, openQueues, type QueueSet } from "@signup/queue";
import { dropQueuePrefix, testRedisUrl, uniqueQueuePrefix } from "@signup/test";
import { adminToken, buildTestApp } from "./build-test-app.ts";

describe("admin API", () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  beforeAll(async () => {
    ctx = await buildTestApp();
  });
  afterAll(async () => ctx?.close());

  const admin = (method: "GET" | "POST" | "DELETE", url: string, payload?: unknown, token = adminToken) =>
    ctx.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload: payload as object }) });

  it("refuses requests without the admin bearer token", async () => {
    const none = await ctx.app.inject({ method: "GET", url: "/admin/audit" });
    const wrong = await admin("GET", "/admin/audit", undefined, "wrong-token-wrong-token");
    expect([none.statusCode, wrong.statusCode]).toEqual([401, 401]);
    expect(none.json().code).toBe("unauthorized");
  });

  it("creates teams and invites, lists and revokes them, and audits each step", async () => {
    const team = await admin("POST", "/admin/teams", { name: "Ops" });
    expect(team.statusCode).toBe(201);
    const invite = await admin("POST", `/admin/teams/${team.json().id}/invites`, { email: "Someone@Example.com", role: "admin" });
    expect(invite.statusCode).toBe(201);
    expect(invite.json()).toMatchObject({ teamId: team.json().id, email: "Someone@Example.com", role: "admin" });
    // The ticket link is shown once, in the answer that creates the invite.
    const { ticketUrl, ...stored } = invite.json();
    expect(ticketUrl).toMatch(/^https:\/\/web\.test\/signup\?ticket=[A-Za-z0-9_-]{43}$/);
    const events = await ctx.database.sql`select type, envelope from outbox where envelope->'data'->>'inviteId' = ${invite.json().id}`;
    expect(events.map((e) => e.type)).toEqual(["InviteCreated"]);
    const duplicate = await admin("POST", `/admin/teams/${team.json().id}/invites`, { email: "someone@example.com" });
    expect([duplicate.statusCode, duplicate.json().code]).toEqual([409, "invite_exists"]);

    const listed = await admin("GET", `/admin/teams/${team.json().id}/invites`);
    expect(listed.json()).toEqual({ items: [stored], nextCursor: null });
    expect((await admin("DELETE", `/admin/invites/${invite.json().id}`)).statusCode).toBe(204);
    expect((await admin("DELETE", `/admin/invites/${invite.json().id}`)).json().code).toBe("invite_not_found");

    const audit = await admin("GET", `/admin/audit?teamId=${team.json().id}`);
    expect(audit.json().items.map((e: { action: string }) => e.action)).toEqual(["invite.revoked", "invite.created", "team.created"]);
  });

  it("pages a team's invites with cursor and limit", async () => {
    const team = (await admin("POST", "/admin/teams", { name: "Paged" })).json();
    for (let i = 0; i < 5; i++) await admin("POST", `/admin/teams/${team.id}/invites`, { email: `p${i}@example.com` });
    const first = (await admin("GET", `/admin/teams/${team.id}/invites?limit=2`)).json();
    const second = (await admin("GET", `/admin/teams/${team.id}/invites?limit=2&cursor=${first.nextCursor}`)).json();
    const third = (await admin("GET", `/admin/teams/${team.id}/invites?limit=2&cursor=${second.nextCursor}`)).json();
    const emails = [...first.items, ...second.items, ...third.items].map((i: { email: string }) => i.email);
    expect(emails).toEqual(["p0@example.com", "p1@example.com", "p2@example.com", "p3@example.com", "p4@example.com"]);
    expect(third.nextCursor).toBeNull();
    expect((await admin("GET", `/admin/teams/${team.id}/members?limit=0`)).json().code).toBe("validation_failed");
  });

  it("pages the audit log newest first with a stable cursor", async () => {
    for (let i = 0; i < 5; i++) await admin("POST", "/admin/teams", { name: `T${i}` });
    const first = await admin("GET", "/admin/audit?action=team.created&limit=2");
    const second = await admin("GET", `/admin/audit?action=team.created&limit=2&cursor=${first.json().nextCursor}`);
    const ids = [...first.json().items, ...second.json().items].map((e: { id: string }) => BigInt(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a > b ? -1 : 1)));
    expect(new Set(ids).size).toBe(4);
  });

  it("answers clear errors for unknown teams, users and bad input", async () => {
    expect((await admin("POST", "/admin/teams/00000000-0000-4000-8000-000000000000/invites", { email: "a@example.com" })).json().code).toBe("team_not_found");
    expect((await admin("GET", "/admin/teams/not-a-uuid/members")).json().code).toBe("team_not_found");
    expect((await admin("GET", "/admin/users?email=nobody@example.com")).json().code).toBe("user_not_found");
    const bad = await admin("POST", "/admin/teams", { name: "" });
    expect([bad.statusCode, bad.json().code]).toEqual([400, "validation_failed"]);
  });
});

describe("admin 401 answers", () => {
  const prefix = uniqueQueuePrefix();
  const redis = createRedis(testRedisUrl(), "worker");
  let queues: QueueSet;
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  beforeAll(async () => {
    queues = openQueues(redis, prefix);
    ctx = await buildTestApp({}, { queues });
  });
  afterAll(async () => {
    await ctx?.close();
    await queues?.close();
    redis.disconnect();
    await dropQueuePrefix(testRedisUrl(), prefix);
  });

  it("tell a browser on bull-board to use the token as a Basic password, and API callers to send a bearer", async () => {
    for (const url of ["/admin/queues", "/admin/queues/api/queues"]) {
      const board = await ctx.app.inject({ method: "GET", url });
      expect(board.statusCode, url).toBe(401);
      expect(board.headers["www-authenticate"]).toBe('Basic realm="signup-pipeline admin"');
      expect(board.json()).toEqual({ code: "unauthorized", message: expect.stringMatching(/admin token as the password/) });
      expect(board.json().message).not.toMatch(/bearer/i);
    }
    const api = await ctx.app.inject({ method: "GET", url: "/admin/audit" });
    expect([api.statusCode, api.headers["www-authenticate"]]).toEqual([401, undefined]);
    expect(api.json()).toEqual({ code: "unauthorized", message: expect.stringMatching(/bearer/i) });
  });
});

describe("OpenAPI", () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  beforeAll(async () => {
    ctx = await buildTestApp();
  });
  afterAll(async () => ctx?.close());

  it("documents the public and admin routes at /docs from the handlers' own schemas", async () => {
    const spec = (await ctx.app.inject({ method: "GET", url: "/docs/json" })).json();
    expect(spec.openapi).toMatch(/^3\./);
    const register = spec.paths["/account/register"].post;
    expect(register.requestBody.content["application/json"].schema.required).toEqual(["email"]);
    expect(Object.keys(register.requestBody.content["application/json"].schema.properties)).toEqual(expect.arrayContaining(["email", "password", "metadata"]));
    expect(spec.paths["/admin/dead-letters/{queue}/{jobId}/replay"].post.security).toEqual([{ admin: [] }]);
    const ui = await ctx.app.inject({ method: "GET", url: "/docs" });
    expect([200, 302]).toContain(ui.statusCode);
  });
});
