import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, waitUntil, type TestSystem } from "@signup/test";

/**
 * Issue 8: no log line of a full run carries a secret or a whole address. The services log at
 * debug level here (more than production), through every public path: one-shot sign-up with a
 * password, the link, the resource with its client token, codes right and wrong, the completion
 * token, an invite's ticket, the admin API looked up by address.
 */
describe("logs of a full run", () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({
      label: "log-secrets",
      env: { LOG_LEVEL: "debug", SIGNUP_FIELDS: "email:required,password:optional,firstName:optional", SIGNUP_URL: "https://web.test/signup" },
    });
  });
  afterAll(async () => system?.stop());

  it("never contain a token, a code, a password or an unmasked address", async () => {
    const { api, smtp } = system;
    const secrets: string[] = [];
    const password = "a rather secret passphrase 7";
    secrets.push(password);

    expect((await api.register({ email: "Logged.Person@example.com", password, firstName: "Lo" })).status).toBe(202);
    const mail = await smtp.waitForMail((m) => m.to.some((to) => to.toLowerCase() === "logged.person@example.com"));
    const link = /https?:\/\/\S+\/account\/verify\/([A-Za-z0-9_-]+)/.exec(mail.text)!;
    secrets.push(link[1]!, /code on the sign-up page: (\d{6})/.exec(mail.text)![1]!);
    expect((await fetch(link[0])).status).toBe(200);
    expect((await fetch(link[0], { method: "POST", redirect: "manual" })).status).toBe(303);

    const created = await api.call("POST", "/v1/sign-ups", { emailAddress: "resource.person@example.com" });
    const { id, clientToken } = created.json;
    secrets.push(clientToken);
    const auth = { authorization: `Bearer ${clientToken}` };
    await api.call("POST", `/v1/sign-ups/${id}/prepare-verification`, { strategy: "email_code" }, auth);
    const codeMail = await smtp.waitForMail((m) => m.to.includes("resource.person@example.com"));
    const code = /code on the sign-up page: (\d{6})/.exec(codeMail.text)![1]!;
    secrets.push(code);
    await api.call("POST", `/v1/sign-ups/${id}/attempt-verification`, { strategy: "email_code", code: code === "000000" ? "111111" : "000000" }, auth);
    const done = await api.call("POST", `/v1/sign-ups/${id}/attempt-verification`, { strategy: "email_code", code }, auth);
    expect(done.json.status).toBe("complete");
    secrets.push(done.json.completionToken);
    await api.call("GET", `/v1/sign-ups/${id}`, undefined, auth);

    const team = await api.admin("POST", "/admin/teams", { name: "Loggers" });
    const invite = await api.admin("POST", `/admin/teams/${team.json.id}/invites`, { email: "invited.person@example.com" });
    const ticket = new URL(invite.json.ticketUrl).searchParams.get("ticket")!;
    secrets.push(ticket);
    expect((await api.call("POST", "/v1/sign-ups", { strategy: "ticket", ticket })).status).toBe(201);
    await api.admin("GET", "/admin/users?email=resource.person@example.com");
    await api.admin("GET", `/admin/audit?userId=${done.json.createdUserId}`);

    await waitUntil(
      async () =>
        (await api.admin("GET", "/admin/users?email=invited.person@example.com")).json.timeline?.some((e: { action: string }) => e.action === "user.onboarded"),
      { timeoutMs: 20_000, what: "the pipeline to finish" },
    );
    await system.stack.stop(); // flush every process's log

    const log = readFileSync(system.stack.logFile, "utf8");
    expect(log.length).toBeGreaterThan(1_000);
    for (const secret of secrets) expect(log.includes(secret), `a secret (${secret.slice(0, 4)}…) is in the log`).toBe(false);
    for (const address of ["logged.person@example.com", "resource.person@example.com", "invited.person@example.com", "resource.person%40example.com"]) {
      expect(log.toLowerCase().includes(address), `${address} is in the log`).toBe(false);
    }
  });
});
