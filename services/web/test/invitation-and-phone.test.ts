import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "@signup/logger";
import { startTestSystem, type TestSystem } from "@signup/test";
import { startTwilioServer, type TwilioServer } from "@signup/test/sms-servers";
import { buildWebApp } from "../src/app.ts";
import { clientBundlePath } from "../src/client-bundle.ts";
import { codeFromMail, jwtClaims, postForm, sessionCookie, textById } from "./support.ts";

/** Invitations and the SMS step as plain form posts, against a real API, relay, mailer and SMS worker (Twilio's contract server behind it). */
describe("the web front-end without JavaScript: invitations and phone numbers", () => {
  let system: TestSystem;
  let twilio: TwilioServer;
  let web: FastifyInstance;

  beforeAll(async () => {
    twilio = await startTwilioServer();
    system = await startTestSystem({
      label: "web-invitation-and-phone",
      only: ["api", "relay", "mailer", "sms"],
      web: false,
      env: {
        SIGNUP_FIELDS: "email:required,phoneNumber:optional,firstName:optional",
        PRODUCT_NAME: "Acme",
        SMS_URL: twilio.smsUrl(),
        RATE_LIMIT_PER_MINUTE: "0",
      },
    });
    web = await buildWebApp({
      logger: createLogger({ name: "web", level: "silent" }),
      apiUrl: system.stack.apiUrl,
      appUrl: "/",
      productName: "Acme",
      clientBundlePath: clientBundlePath(),
    });
  });
  afterAll(async () => {
    await web?.close();
    await system?.stop();
    await twilio?.close();
  });

  async function inviteTicket(email: string): Promise<string> {
    const team = await system.api.admin("POST", "/admin/teams", { name: `Team for ${email}` });
    const invite = await system.api.admin("POST", `/admin/teams/${team.json.id}/invites`, { email, role: "member" });
    expect(invite.status).toBe(201);
    return new URL(invite.json.ticketUrl as string).searchParams.get("ticket") ?? "";
  }
  const smsCode = async (to: string) =>
    /^(\d{6}) is your Acme verification code\.$/.exec((await twilio.waitForMessage((m) => m.to === to, 20_000)).body)?.[1] ?? "";

  it("shows the invitation form without an address input, and the phone field where the instance asks for one", async () => {
    const page = await web.inject("/signup?ticket=abc_DEF-123");
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<input type="hidden" name="ticket" value="abc_DEF-123">');
    expect(page.body).not.toContain('name="email"');
    expect(page.body).toContain("the address you were invited with");
    expect(page.body).toMatch(/<input id="phoneNumber" name="phoneNumber" type="tel" autocomplete="tel"/);
    expect(textById(page.body, "phoneNumber-hint")).toBe("International format, e.g. +44 20 7946 0958");

    const plain = await web.inject("/signup");
    expect(plain.body).toContain('name="email"');
    expect(plain.body).not.toContain('name="ticket"');
  });

  it("by invitation: the ticket proves the address, so the post lands on the app; the spent ticket gets the clear page", async () => {
    const address = "invited.plain@example.com";
    const ticket = await inviteTicket(address);
    const done = await postForm(web, "/signup", { ticket, firstName: "Tia", email: "ignored@example.com" });
    expect(done.statusCode).toBe(303);
    const landing = new URL(done.headers.location as string, "http://web.test");
    expect(landing.pathname).toBe("/");
    expect(jwtClaims(landing.searchParams.get("completion_token") ?? "")).toMatchObject({ iss: system.stack.apiUrl, email: address, email_verified: true });
    expect(done.cookies.find((c) => c.name === "signup_session")?.value ?? "").toBe("");

    const again = await postForm(web, "/signup", { ticket, firstName: "Tia" });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain("<h1>This invitation link is not valid any more</h1>");
    expect(again.body).toContain('href="/signup"');
    expect((await web.inject("/signup/invitation-invalid")).body).toContain("This invitation link is not valid any more");
  });

  it("by invitation with a phone number: the address is proved, so the check page asks for the SMS code alone", async () => {
    const address = "invited.phone@example.com";
    const number = "+442079460957";
    const created = await postForm(web, "/signup", { ticket: await inviteTicket(address), phoneNumber: number });
    expect(created.statusCode).toBe(303);
    expect(created.headers.location).toBe(`/signup/check-email?email=${encodeURIComponent(address)}`);
    const cookie = sessionCookie(created);
    const page = await web.inject({ url: created.headers.location as string, headers: { cookie } });
    expect(page.body).toContain('<h1 id="check-title">Check your phone</h1>');
    expect(page.body).toMatch(/<section id="email-step"[^>]* hidden>/);

    const done = await postForm(web, "/signup/check-email/phone-code", { email: address, code: await smsCode(number) }, cookie);
    expect(done.statusCode).toBe(303);
    expect(jwtClaims(new URL(done.headers.location as string, "http://web.test").searchParams.get("completion_token") ?? "")).toMatchObject({ email: address });
    // The ticket proved the address: no verification mail went out.
    expect(system.smtp.mails.filter((m) => m.to.includes(address)).map((m) => m.subject.startsWith("Verify"))).not.toContain(true);
  });

  it("with a phone number: the SMS code (a wrong one first) and the mail's code both count, then the app", async () => {
    const address = "phone.plain@example.com";
    const number = "+442079460958";
    const created = await postForm(web, "/signup", { email: address, phoneNumber: "+44 20 7946 0958", firstName: "Pat" });
    expect(created.statusCode).toBe(303);
    expect(created.headers.location).toBe(`/signup/check-email?email=${encodeURIComponent(address)}`);
    const cookie = sessionCookie(created);

    const page = await web.inject({ url: created.headers.location as string, headers: { cookie } });
    expect(page.body).toContain('<h1 id="check-title">Check your email and phone</h1>');
    expect(page.body).toContain('We sent a code to <strong id="phone-number">+4420•••0958</strong> by SMS.');
    expect(page.body).toMatch(/<section id="phone-step" class="stack" aria-labelledby="phone-step-title">/);

    const code = await smsCode(number);
    const wrong = await postForm(web, "/signup/check-email/phone-code", { email: address, code: code === "000000" ? "111111" : "000000" }, cookie);
    expect(wrong.statusCode).toBe(422);
    expect(textById(wrong.body, "phone-code-alert")).toBe("That code is not right. Check the SMS and try again.");

    const phoneDone = await postForm(web, "/signup/check-email/phone-code", { email: address, code }, cookie);
    expect(phoneDone.statusCode).toBe(200);
    expect(textById(phoneDone.body, "step-status")).toBe("Your phone number is verified. Now open the link in the mail, or type its code.");
    expect(phoneDone.body).toMatch(/<section id="phone-step"[^>]* hidden>/);
    expect(phoneDone.body).toContain('<h1 id="check-title">Check your email</h1>');

    const mail = await codeFromMail(system.smtp, address);
    const done = await postForm(web, "/signup/check-email/code", { email: address, code: mail.code }, cookie);
    expect(done.statusCode).toBe(303);
    expect(jwtClaims(new URL(done.headers.location as string, "http://web.test").searchParams.get("completion_token") ?? "")).toMatchObject({ email: address });
  });

  it("the mail's code first: the page then asks for the SMS code alone; a new code on request", async () => {
    const address = "phone.second@example.com";
    const number = "+442079460959";
    const created = await postForm(web, "/signup", { email: address, phoneNumber: number });
    const cookie = sessionCookie(created);
    const mail = await codeFromMail(system.smtp, address);
    const emailDone = await postForm(web, "/signup/check-email/code", { email: address, code: mail.code }, cookie);
    expect(emailDone.statusCode).toBe(200);
    expect(textById(emailDone.body, "step-status")).toBe("Your email address is verified. Now type the code we sent by SMS.");
    expect(emailDone.body).toContain('<h1 id="check-title">Check your phone</h1>');
    expect(emailDone.body).toMatch(/<section id="email-step"[^>]* hidden>/);

    const code = await smsCode(number);
    // Within RESEND_COOLDOWN the API sends nothing new, so the first code stays the one to type.
    const resent = await postForm(web, "/signup/check-email/phone-resend", { email: address }, cookie);
    expect(resent.statusCode).toBe(303);
    expect(resent.headers.location).toBe(`/signup/check-email?email=${encodeURIComponent(address)}&sms=resent`);
    const page = await web.inject({ url: resent.headers.location as string, headers: { cookie } });
    expect(textById(page.body, "phone-resend-status")).toContain("a new code is on its way");

    const done = await postForm(web, "/signup/check-email/phone-code", { email: address, code }, cookie);
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toMatch(/^\/\?completion_token=/);
  });
});
