import type { Server } from "node:http";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startInboxWeb } from "@signup/local-infra";
import { startTestSystem, type SmtpSink, type Stack, type TestDatabase, type TestSystem } from "@signup/test";
import { hasChromium, launchChromium, screenshot, seriousA11yViolations } from "../support/browser.ts";

/** Issue 4: the flow a person clicks through, in a real Chromium, against the real services. */
describe.skipIf(!hasChromium)("the sign-up experience in a browser", () => {
  let system: TestSystem;
  let database: TestDatabase;
  let smtp: SmtpSink;
  let stack: Stack;
  let inbox: Server;
  let inboxUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    system = await startTestSystem({
      label: "browser",
      env: { SIGNUP_FIELDS: "email:required,password:required,firstName:optional,lastName:optional", PRODUCT_NAME: "Acme" },
    });
    ({ database, smtp, stack } = system);
    // The same dev inbox `pnpm start` serves, over this test's SMTP sink.
    const inboxPort = await freePort();
    inbox = await startInboxWeb(smtp, inboxPort);
    inboxUrl = `http://127.0.0.1:${inboxPort}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => inbox?.close(resolve));
    await system?.stop();
  });

  async function newPage(javaScriptEnabled = true): Promise<Page> {
    const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 800, height: 900 } });
    return context.newPage();
  }

  async function signUp(page: Page, email: string) {
    await page.goto(`${stack.apiUrl}/signup`);
    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Password").fill("a long enough password");
    await page.getByLabel("First name").fill("Ada");
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.waitForURL(/\/signup\/check-email\?email=/);
  }

  it("shows field errors beside the fields, from the page's checks and from the server", async () => {
    const page = await newPage();
    await page.goto(`${stack.apiUrl}/signup`);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, "signup");

    await page.getByRole("button", { name: "Sign up" }).click();
    await expect.poll(() => page.locator("#email-error").textContent()).toBe("Fill this in.");
    expect(await page.locator("#password-error").textContent()).toBe("Fill this in.");
    expect(await page.locator("#email:focus").count()).toBe(1);

    await page.getByLabel("Email address").fill("not-an-address");
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Sign up" }).click();
    await expect.poll(() => page.locator("#email-error").textContent()).toBe("Enter a valid email address.");
    expect(await page.locator("#password-error").textContent()).toBe("Use at least 8 characters.");
    expect(await page.getByLabel("Password").getAttribute("aria-invalid")).toBe("true");
    await screenshot(page, "signup-errors");

    // Without JavaScript the same form posts, and the server puts its errors beside the fields.
    const plain = await newPage(false);
    await plain.goto(`${stack.apiUrl}/signup`);
    await plain.getByLabel("Email address").fill("still wrong");
    await plain.getByLabel("Password").fill("tiny");
    await plain.getByRole("button", { name: "Sign up" }).click();
    expect(await plain.locator("#email-error").textContent()).toBe("Enter a valid email address.");
    expect(await plain.locator("#password-error").textContent()).toBe("Use at least 8 characters.");
    expect(await plain.getByLabel("Email address").inputValue()).toBe("still wrong");
    expect(await plain.getByLabel("Password").inputValue()).toBe("");
  });

  it("signs up, opens the mail in the dev inbox, follows the link and presses the button", async () => {
    const page = await newPage();
    await signUp(page, "browser.user@example.com");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Check your email");
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, "check-email");

    await smtp.waitForMail((m) => m.to.includes("browser.user@example.com"));
    await page.goto(inboxUrl);
    await page.getByRole("link", { name: /Verify your email address for Acme/ }).first().click();
    await screenshot(page, "dev-inbox-mail");
    await page.frameLocator("iframe").getByRole("link", { name: "Verify email address" }).click();
    await page.waitForURL(/\/account\/verify\//);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Verify your email address");
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, "verify");

    await page.getByRole("button", { name: "Verify email address" }).click();
    await page.waitForURL(/\/account\/verified$/);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Email address verified");
    await screenshot(page, "verified");
    await page.waitForURL(`${stack.apiUrl}/`, { timeout: 10_000 }); // the success page hands over to the app
  });

  it("verifies with the typed code", async () => {
    const page = await newPage();
    await signUp(page, "code.user@example.com");
    const mail = await smtp.waitForMail((m) => m.to.includes("code.user@example.com"));
    const code = /code on the sign-up page: (\d{6})/.exec(mail.text)?.[1];
    expect(code).toBeDefined();

    await page.getByLabel("Verification code").fill("000000");
    await page.getByRole("button", { name: "Verify", exact: true }).click();
    await expect.poll(() => page.locator("#code-alert").textContent()).toContain("That code is not right");
    await screenshot(page, "check-email-wrong-code");

    await page.getByLabel("Verification code").fill(code!);
    await page.getByRole("button", { name: "Verify", exact: true }).click();
    await page.waitForURL(/\/account\/verified$/);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Email address verified");
  });

  it("shows a clear page for an expired link, with a way to get a new one", async () => {
    const page = await newPage();
    await signUp(page, "late.user@example.com");
    const mail = await smtp.waitForMail((m) => m.to.includes("late.user@example.com"));
    const link = /https?:\/\/\S+\/account\/verify\/[A-Za-z0-9_-]+/.exec(mail.text)![0];
    await database.sql`update verification_tokens t set expires_at = now() - interval '1 minute' from users u where u.id = t.user_id and u.email_normalized = 'late.user@example.com'`;

    await page.goto(link);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("This link has expired");
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, "expired-link");
    await page.getByLabel("Email address").fill("late.user@example.com");
    await page.getByRole("button", { name: "Send me a new link" }).click();
    await page.waitForURL(/\/signup\/check-email\?email=late\.user%40example\.com&resent=1/);
    await expect.poll(() => page.getByRole("button", { name: /Send a new mail/ }).isDisabled()).toBe(true);
  });
});
