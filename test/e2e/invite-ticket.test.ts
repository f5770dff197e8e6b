import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, waitUntil, type TestSystem } from "@signup/test";

/** Issue 10, acceptance 1: an invitation's ticket all the way through the real services. */
describe("signing up with an invitation ticket", () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({
      label: "e2e-invite-ticket",
      only: ["api", "relay", "provisioner", "mailer", "onboarding"],
      env: { SIGNUP_URL: "https://web.test/signup" },
    });
  });
  afterAll(async () => system?.stop());

  const ticketIn = (text: string) => /https:\/\/web\.test\/signup\?ticket=([A-Za-z0-9_-]{43})/.exec(text)?.[1];

  it("invite → mail with a ticket → sign-up complete without a verification mail → member of the team, invite gone, one correlation id", async () => {
    const { api, smtp } = system;
    const team = await api.admin("POST", "/admin/teams", { name: "Design" });
    const invite = await api.admin("POST", `/admin/teams/${team.json.id}/invites`, { email: "Ticket.Holder@example.com", role: "editor" });
    expect(invite.status).toBe(201);
    const correlationId = invite.headers.get("x-correlation-id")!;

    const mail = await smtp.waitForMail((m) => m.to.some((to) => to.toLowerCase() === "ticket.holder@example.com"));
    expect(mail.subject).toBe("You are invited to join Design on Signup Pipeline");
    const ticket = ticketIn(mail.text)!;
    expect(ticket).toBeDefined();

    const created = await api.call("POST", "/v1/sign-ups", { strategy: "ticket", ticket, firstName: "Tia" });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ status: "complete", emailAddress: "Ticket.Holder@example.com", unverifiedFields: [] });

    const user = await waitUntil(
      async () => {
        const view = await api.admin("GET", "/admin/users?email=ticket.holder@example.com");
        return view.json.teams?.length === 1 && view.json.idp.status === "provisioned" ? view.json : undefined;
      },
      { timeoutMs: 20_000, what: "the invitee to join the team" },
    );
    expect(user.teams).toEqual([expect.objectContaining({ id: team.json.id, role: "editor" })]);
    expect((await api.admin("GET", `/admin/teams/${team.json.id}/invites`)).json.items).toEqual([]);
    // No verification mail: the ticket proved the address. Only the invite and the "you joined" notice.
    await smtp.waitForMail((m) => m.to.some((to) => to.toLowerCase() === "ticket.holder@example.com") && m.subject.startsWith("You have joined"));
    const subjects = smtp.mails.filter((m) => m.to.some((to) => to.toLowerCase() === "ticket.holder@example.com")).map((m) => m.subject);
    expect(subjects.some((s) => s.startsWith("Verify"))).toBe(false);

    const audit = await api.admin("GET", `/admin/audit?correlationId=${encodeURIComponent(correlationId)}&limit=100`);
    const actions = audit.json.items.map((e: { action: string }) => e.action).reverse();
    for (const step of [
      "invite.created",
      "invite.mail_sent",
      "sign_up.created",
      "invite.ticket_redeemed",
      "user.registered",
      "user.email_verified",
      "sign_up.completed",
      "user.provisioned",
      "team.member_joined",
      "invite.consumed",
      "user.onboarded",
    ]) {
      expect(actions).toContain(step);
    }

    // Reused, unknown and deleted-invite tickets are refused alike.
    const second = await api.admin("POST", `/admin/teams/${team.json.id}/invites`, { email: "other.invitee@example.com" });
    await api.admin("DELETE", `/admin/invites/${second.json.id}`);
    const deletedTicket = new URL(second.json.ticketUrl).searchParams.get("ticket");
    const refusals = await Promise.all([ticket, deletedTicket, "x".repeat(43)].map((t) => api.call("POST", "/v1/sign-ups", { strategy: "ticket", ticket: t })));
    expect(refusals.map((r) => [r.status, r.json.code])).toEqual([
      [400, "ticket_invalid"],
      [400, "ticket_invalid"],
      [400, "ticket_invalid"],
    ]);
  });
});
