import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, waitUntil, type CapturedMail, type TestSystem } from "@signup/test";

const codeIn = (mail: CapturedMail) => /code on the sign-up page: (\d{6})/.exec(mail.text)?.[1];
const linkIn = (mail: CapturedMail) => /https?:\/\/\S+\/account\/verify\/[A-Za-z0-9_-]+/.exec(mail.text)?.[0];

/** The sign-up resource through the real services: API, relay, provisioner, mailer over real SMTP. */
describe("the sign-up resource end to end", () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ label: "e2e-sign-up-resource", env: { REDIRECT_ALLOWLIST: "https://app.test" } });
  });
  afterAll(async () => system?.stop());

  const call = (method: string, path: string, token?: string, body?: unknown) =>
    system.api.call(method, path, body, token ? { authorization: `Bearer ${token}` } : {});

  it("create → prepare → the code from the mail → complete, with a completion token the app verifies against the JWKS", async () => {
    const created = await call("POST", "/v1/sign-ups", undefined, { emailAddress: "resource@example.com", firstName: "Res" });
    expect(created.status).toBe(201);
    const { id, clientToken } = created.json;
    expect((await call("POST", `/v1/sign-ups/${id}/prepare-verification`, clientToken, { strategy: "email_code" })).status).toBe(200);

    const mail = await system.smtp.waitForMail((m) => m.to.includes("resource@example.com"));
    const code = codeIn(mail)!;
    expect(code).toMatch(/^\d{6}$/);
    const done = await call("POST", `/v1/sign-ups/${id}/attempt-verification`, clientToken, { strategy: "email_code", code });
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({ status: "complete", missingFields: [], unverifiedFields: [] });

    const jwks = createRemoteJWKSet(new URL(`${system.stack.apiUrl}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(done.json.completionToken, jwks, { issuer: system.stack.apiUrl, algorithms: ["ES256"] });
    expect(payload).toMatchObject({ sub: done.json.createdUserId, email: "resource@example.com", email_verified: true });

    // Once provisioned, a fresh read's token names the IdP and its id for the user.
    const provisioned = await waitUntil(
      async () => {
        const read = await call("GET", `/v1/sign-ups/${id}`, clientToken);
        const claims = (await jwtVerify(read.json.completionToken, jwks, { issuer: system.stack.apiUrl })).payload;
        return claims.idp_internal_id ? claims : undefined;
      },
      { timeoutMs: 20_000, what: "the user to be provisioned" },
    );
    expect(provisioned.idp).toBe("local");
    const view = await system.api.admin("GET", "/admin/users?email=resource@example.com");
    expect(view.json).toMatchObject({ id: done.json.createdUserId, status: "active", idp: { status: "provisioned", internalId: provisioned.idp_internal_id } });
  });

  it("magic link: the button in another tab verifies, redirects to the allowlisted redirectUrl, and the sign-up reads complete", async () => {
    const created = await call("POST", "/v1/sign-ups", undefined, { emailAddress: "magic@example.com" });
    const { id, clientToken } = created.json;
    await call("POST", `/v1/sign-ups/${id}/prepare-verification`, clientToken, { strategy: "email_link", redirectUrl: "https://app.test/signed-up" });
    expect((await call("GET", `/v1/sign-ups/${id}`, clientToken)).json.status).toBe("missing_requirements");

    const link = linkIn(await system.smtp.waitForMail((m) => m.to.includes("magic@example.com")))!;
    expect((await fetch(link)).status).toBe(200); // the page with the button changes nothing
    expect((await call("GET", `/v1/sign-ups/${id}`, clientToken)).json.status).toBe("missing_requirements");
    const button = await fetch(link, { method: "POST", redirect: "manual" });
    expect([button.status, button.headers.get("location")]).toEqual([303, "https://app.test/signed-up"]);
    const polled = await call("GET", `/v1/sign-ups/${id}`, clientToken);
    expect(polled.json).toMatchObject({ status: "complete", verifications: { emailAddress: { status: "verified", strategy: "email_link" } } });
  });

  it("a taken address answers like a fresh one created beside it; its owner gets the notice mail, never a code", async () => {
    const owner = await call("POST", "/v1/sign-ups", undefined, { emailAddress: "owner.e2e@example.com" });
    await call("POST", `/v1/sign-ups/${owner.json.id}/prepare-verification`, owner.json.clientToken, { strategy: "email_code" });
    const ownerCode = codeIn(await system.smtp.waitForMail((m) => m.to.includes("owner.e2e@example.com")))!;
    expect(
      (await call("POST", `/v1/sign-ups/${owner.json.id}/attempt-verification`, owner.json.clientToken, { strategy: "email_code", code: ownerCode })).json
        .status,
    ).toBe("complete");
    // The owner's own mail a moment ago would throttle the notice (one mail per address per cooldown).
    await system.database.sql`update users set last_mail_requested_at = null where email_normalized = 'owner.e2e@example.com'`;

    const steps = async (email: string) => {
      const answers = [];
      const created = await call("POST", "/v1/sign-ups", undefined, { emailAddress: email });
      answers.push(created);
      answers.push(await call("POST", `/v1/sign-ups/${created.json.id}/prepare-verification`, created.json.clientToken, { strategy: "email_code" }));
      answers.push(
        await call("POST", `/v1/sign-ups/${created.json.id}/attempt-verification`, created.json.clientToken, { strategy: "email_code", code: "000000" }),
      );
      answers.push(await call("GET", `/v1/sign-ups/${created.json.id}`, created.json.clientToken));
      return answers.map((a) => ({
        status: a.status,
        keys: Object.keys(a.json).sort(),
        json: JSON.parse(
          JSON.stringify(a.json)
            .replaceAll(email, "<email>")
            .replace(/"(id|clientToken)":"[^"]+"/g, '"$1":"<$1>"')
            .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, "<time>"),
        ) as unknown,
      }));
    };
    const [taken, fresh] = await Promise.all([steps("OWNER.E2E@example.com"), steps("fresh.e2e@example.com")]);
    expect(taken).toEqual(fresh);

    const notice = await system.smtp.waitForMail((m) => m.to.includes("owner.e2e@example.com") && m.subject.includes("Someone tried to sign up"));
    expect(notice.text).not.toMatch(/account\/verify|\b\d{6}\b/);
    await system.smtp.waitForMail((m) => m.to.includes("fresh.e2e@example.com"));
    const ownerMails = system.smtp.mails.filter((m) => m.to.includes("owner.e2e@example.com"));
    expect(ownerMails.map((m) => (m.subject.startsWith("Verify") ? "verify" : "notice"))).toEqual(["verify", "notice"]);
  });
});
