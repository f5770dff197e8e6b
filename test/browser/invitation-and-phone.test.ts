import { mkdtempSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startInboxWeb } from "@signup/local-infra";
import { startTestSystem, type TestSystem } from "@signup/test";
import { startTwilioServer, type TwilioServer } from "@signup/test/sms-servers";
import { hasChromium, launchChromium, screenshot, seriousA11yViolations } from "../support/browser.ts";
import { verificationMail, verifyCompletionToken } from "./flow.ts";

/** Invitation links and the SMS step, clicked through in a real Chromium on the web front-end against the real services. */
describe.skipIf(!hasChromium)("invitations and phone numbers in a browser", () => {
  let twilio: TwilioServer;
  let system: TestSystem;
  let webUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    twilio = await startTwilioServer();
    system = await startTestSystem({
      label: "browser-invitation-and-phone",
      only: ["api", "relay", "mailer", "sms"],
      web: true,
      env: { SIGNUP_FIELDS: "email:required,phoneNumber:optional,firstName:optional", PRODUCT_NAME: "Acme", SMS_URL: twilio.smsUrl() },
    });
    if (!system.webUrl) throw new Error("the stack did not start the web front-end");
    webUrl = system.webUrl;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
    await twilio?.close();
  });

  /** axe-core is injected inline, which the web's CSP refuses: checked pages bypass it (see signup-in-browser.test.ts). */
  async function newPage(options: { axe?: boolean } = {}): Promise<Page> {
    const context = await browser.newContext({ bypassCSP: options.axe ?? false, viewport: { width: 800, height: 900 } });
    return context.newPage();
  }
  const appUrlWithToken = () => new RegExp(`^${webUrl.replace(/[.]/g, "\\.")}/\\?completion_token=`);
  const userId = async (email: string) => (await system.api.admin("GET", `/admin/users?email=${encodeURIComponent(email)}`)).json.id as string;

  async function inviteUrl(email: string): Promise<string> {
    const team = await system.api.admin("POST", "/admin/teams", { name: "Research" });
    const invite = await system.api.admin("POST", `/admin/teams/${team.json.id}/invites`, { email, role: "member" });
    expect(invite.status).toBe(201);
    return invite.json.ticketUrl as string;
  }

  it("acceptance: an invitation link asks for everything but the address, and lands on the app with a token for the invited address", async () => {
    const email = "invited.browser@example.com";
    const ticketUrl = await inviteUrl(email);
    // The API's SIGNUP_URL is the web's form: the invitation opens here.
    expect(ticketUrl.startsWith(`${webUrl}/signup?ticket=`)).toBe(true);

    const page = await newPage({ axe: true });
    await page.goto(ticketUrl);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Accept your invitation");
    expect(await page.locator("input[name=email]").count()).toBe(0);
    expect(await page.getByLabel("Email address").count()).toBe(0);
    expect(await page.locator("#invited-email").textContent()).toBe("Email address: the address you were invited with");
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, "ticket-signup");

    await page.getByLabel("First name").fill("Ivy");
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.waitForURL(appUrlWithToken());
    const claims = await verifyCompletionToken(page.url(), system.stack.apiUrl);
    expect(claims).toMatchObject({ email, email_verified: true, sub: await userId(email) });
    // No SMS: the number was optional and left blank. No verification mail: the ticket proved the address.
    expect(twilio.messages).toHaveLength(0);

    // The same link again: the ticket is spent, and the page says so plainly.
    const again = await newPage({ axe: true });
    await again.goto(ticketUrl);
    await again.getByRole("button", { name: "Sign up" }).click();
    await again.waitForURL(`${webUrl}/signup/invitation-invalid`);
    expect(await again.getByRole("heading", { level: 1 }).textContent()).toBe("This invitation link is not valid any more");
    expect(await seriousA11yViolations(again)).toEqual([]);
    await again.getByRole("link", { name: "Sign up without the invitation" }).click();
    await again.waitForURL(`${webUrl}/signup`);
    expect(await again.getByLabel("Email address").count()).toBe(1);
  });

  it("acceptance: the SMS code on the check page, the mail's link in another page, and the first page moves on to the app", async () => {
    const email = "phone.browser@example.com";
    const number = "+442079460958";
    const page = await newPage({ axe: true });
    await page.goto(`${webUrl}/signup`);
    expect(await page.getByLabel("Phone number").getAttribute("type")).toBe("tel");
    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Phone number").fill("+44 20 7946 0958");
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.waitForURL(/\/signup\/check-email\?email=/);

    await expect.poll(() => page.locator("#check-title").textContent()).toBe("Check your email and phone");
    await expect.poll(() => page.locator("#phone-number").textContent()).toBe("+4420•••0958");
    const sms = await twilio.waitForMessage((m) => m.to === number, 20_000);
    const code = /^(\d{6}) is your Acme verification code\.$/.exec(sms.body)?.[1] ?? "";
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, "phone-step");

    await page.getByLabel("Code from the SMS").fill(code === "000000" ? "111111" : "000000");
    await page.getByRole("button", { name: "Verify number" }).click();
    await expect.poll(() => page.locator("#phone-code-alert").textContent()).toBe("That code is not right. Check the SMS and try again.");
    await page.getByLabel("Code from the SMS").fill(code);
    await page.getByRole("button", { name: "Verify number" }).click();
    await expect.poll(() => page.locator("#step-status").textContent()).toBe("Your phone number is verified. Now open the link in the mail, or type its code.");
    expect(await page.locator("#phone-step").isHidden()).toBe(true);

    const { link } = await verificationMail(system.smtp, email);
    const second = await page.context().newPage();
    await second.goto(link);
    await second.getByRole("button", { name: "Verify email address" }).click();
    await second.waitForURL((url) => url.href.startsWith(`${webUrl}/signup/verified`));

    await page.waitForURL(appUrlWithToken(), { timeout: 30_000 });
    const claims = await verifyCompletionToken(page.url(), system.stack.apiUrl);
    expect(claims).toMatchObject({ email, sub: await userId(email) });
    // The page asked for the SMS once, on load.
    expect(twilio.messages.filter((m) => m.to === number)).toHaveLength(1);
  });

  it("the dev inbox shows the texts from the SMS worker's file beside the mails, newest first", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dev-sms-"));
    const file = join(dir, "dev-sms.jsonl");
    const line = (id: string, body: string, at: string) => `${JSON.stringify({ id, to: "+442079460958", body, at })}\n`;
    writeFileSync(
      file,
      `${line("log-1", "111111 is your Acme verification code.", "2030-01-01T10:00:00.000Z")}not json\n${line("log-2", "222222 is your Acme verification code.", "2030-01-01T10:05:00.000Z")}`,
    );
    const port = await freePort();
    const inbox: Server = await startInboxWeb(system.smtp, port, { smsFile: file });
    try {
      const api = (await (await fetch(`http://127.0.0.1:${port}/api/sms`)).json()) as { items: Array<{ id: string }> };
      expect(api.items.map((item) => item.id)).toEqual(["log-2", "log-1"]);
      const page = await newPage({ axe: true });
      await page.goto(`http://127.0.0.1:${port}/`);
      const texts = page.getByRole("table").filter({ has: page.getByRole("columnheader", { name: "Message" }) });
      expect(await page.getByRole("heading", { name: "Text messages" }).count()).toBe(1);
      expect(await texts.getByRole("row").nth(1).textContent()).toContain("222222 is your Acme verification code.");
      expect(await page.getByRole("heading", { name: "Mail", exact: true }).count()).toBe(1);
    } finally {
      await new Promise((resolve) => inbox.close(resolve));
    }
  });
});
