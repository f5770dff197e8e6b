import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, waitUntil, type TestSystem } from "@signup/test";

/** Acceptance 1 of the walking skeleton: the whole flow, driven from outside, on real servers. */
describe("a sign-up flows end to end", () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ label: "e2e-signup-flow" });
  });
  afterAll(async () => system?.stop());

  it("registers, mails, verifies through the button, provisions and joins the inviting team", async () => {
    const { api, smtp } = system;

    const team = await api.admin("POST", "/admin/teams", { name: "Platform" });
    expect(team.status).toBe(201);
    const invite = await api.admin("POST", `/admin/teams/${team.json.id}/invites`, { email: "New.User@Example.com", role: "editor" });
    expect(invite.status).toBe(201);

    const registered = await api.register({ email: "new.user@example.com" });
    expect(registered.status).toBe(202);
    expect(registered.json).toEqual({ status: "okay" });
    const correlationId = registered.headers.get("x-correlation-id");

    const mail = await smtp.waitForMail((m) => m.to.includes("new.user@example.com"));
    const link = /https?:\/\/\S+\/account\/verify\/[A-Za-z0-9_-]+/.exec(mail.text)?.[0];
    expect(link, "the mail carries the verification link").toBeDefined();
    expect(mail.html).toContain(link!);

    // Opening the link (as a mail scanner would) shows the button and changes nothing.
    const page = await fetch(link!);
    expect(page.status).toBe(200);
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    expect(await page.text()).toContain("Verify email address");
    const beforeButton = await api.admin("GET", "/admin/users?email=new.user@example.com");
    expect(beforeButton.json.status).toBe("pending");

    const verified = await fetch(link!, { method: "POST", redirect: "manual" });
    expect(verified.status).toBe(303);

    const user = await waitUntil(
      async () => {
        const view = await api.admin("GET", "/admin/users?email=NEW.USER@example.com");
        const done =
          view.json.idp.status === "provisioned" &&
          view.json.teams.length === 1 &&
          view.json.timeline.some((e: { action: string }) => e.action === "user.onboarded");
        return done ? view.json : undefined;
      },
      { timeoutMs: 20_000, what: "the user to be provisioned and onboarded" },
    );
    expect(user.status).toBe("active");
    expect(user.emailVerifiedAt).not.toBeNull();
    expect(user.idp).toMatchObject({ name: "local", status: "provisioned" });
    expect(user.idp.internalId).toMatch(/[0-9a-f-]{36}/);
    expect(user.idp.internalId).not.toBe(user.id);
    expect(user.teams).toEqual([expect.objectContaining({ id: team.json.id, name: "Platform", role: "editor" })]);

    const members = await api.admin("GET", `/admin/teams/${team.json.id}/members`);
    expect(members.json.items).toEqual([expect.objectContaining({ userId: user.id, email: "new.user@example.com", role: "editor" })]);
    const invites = await api.admin("GET", `/admin/teams/${team.json.id}/invites`);
    expect(invites.json.items).toEqual([]);

    const steps = user.timeline.map((entry: { action: string }) => entry.action);
    for (const action of [
      "user.registered",
      "user.provisioned",
      "verification.sent",
      "user.email_verified",
      "team.member_joined",
      "invite.consumed",
      "user.onboarded",
    ]) {
      expect(steps).toContain(action);
    }
    const correlationIds = new Set(user.timeline.map((entry: { correlationId: string }) => entry.correlationId));
    expect([...correlationIds]).toEqual([correlationId]);

    const audit = await api.admin("GET", `/admin/audit?teamId=${team.json.id}&action=team.member_joined`);
    expect(audit.json.items).toHaveLength(1);
    expect(audit.json.items[0]).toMatchObject({ userId: user.id, correlationId });
  });
});
