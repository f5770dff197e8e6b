import type { Server } from "node:http";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startInboxWeb } from "@signup/local-infra";
import { startTestSystem, type SmtpSink, type Stack, type TestDatabase, type TestSystem } from "@signup/test";
import { hasChromium, launchChromium, screenshot, seriousA11yViolations } from "../support/browser.ts";
import { signUpOnWeb, verificationMail, verifyCompletionToken } from "./flow.ts";

/** The flow a person clicks through, in a real Chromium, on the web front-end against the real services. */
describe.skipIf(!hasChromium)("the sign-up experience in a browser", () => {
  let system: TestSystem;
  let database: TestDatabase;
  let smtp: SmtpSink;
  let stack: Stack;
  let webUrl: string;
  let inbox: Server;
  let inboxUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    system = await startTestSystem({
      label: "browser",
      // What a sign-up touches: the API, the relay and the mailer, plus the web. Fewer processes on a 2-core CI.
      only: ["api", "relay", "mailer"],
      web: true,
      env: { SIGNUP_FIELDS: "email:required,password:required,firstName:optional,lastName:optional", PRODUCT_NAME: "Acme" },
    });
    ({ database, smtp, stack } = system);
    if (!system.webUrl) throw new Error("the stack did not start the web front-end");
    webUrl = system.webUrl;
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

  /**
   * axe-core is injected as an inline script, which the web's CSP (rightly) refuses: pages that are
   * checked for accessibility bypass it. The other tests keep it, so they prove the CSP lets the
   * page call the API and post its forms.
   */
  async function newPage(options: { javaScript?: boolean; axe?: boolean } = {}): Promise<Page> {
    const context = await browser.newContext({
      javaScriptEnabled: options.javaScript ?? true,
      bypassCSP: options.axe ?? false,
      viewport: { width: 800, height: 900 },
    });
    return context.newPage();
  }
  const appUrlWithToken = () => new RegExp(`^${webUrl.replace(/[.]/g, "\\.")}/\\?completion_token=`);
  const userId = async (email: string) => (await system.api.admin("GET", `/admin/users?email=${encodeURIComponent(email)}`)).json.id as string;

  it("shows field errors beside the fields, from the page's checks and from the server", async () => {
    const page = await newPage({ axe: true });
    await page.goto(`${webUrl}/signup`);
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

    // Without JavaScript the same form posts to the web, which asks the API and puts its errors beside the fields.
    const plain = await newPage({ javaScript: false });
    await plain.goto(`${webUrl}/signup`);
    await plain.getByLabel("Email address").fill("still wrong");
    await plain.getByLabel("Password").fill("tiny");
    await plain.getByRole("button", { name: "Sign up" }).click();
    expect(await plain.locator("#email-error").textContent()).toBe("Enter a valid email address.");
    expect(await plain.locator("#password-error").textContent()).toBe("Use at least 8 characters.");
    expect(await plain.getByLabel("Email address").inputValue()).toBe("still wrong");
    expect(await plain.getByLabel("Password").inputValue()).toBe("");
  });

  it("signs up, opens the mail in the dev inbox in another tab, follows the link and presses the button", async () => {
    const page = await newPage({ axe: true });
    await signUpOnWeb(page, webUrl, "browser.user@example.com");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Check your email");
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, "check-email");

    await smtp.waitForMail((m) => m.to.includes("browser.user@example.com"), 20_000);
    const mailTab = await page.context().newPage();
    await mailTab.goto(inboxUrl);
    await mailTab
      .getByRole("link", { name: /Verify your email address for Acme/ })
      .first()
      .click();
    await screenshot(mailTab, "dev-inbox-mail");
    await mailTab.frameLocator("iframe").getByRole("link", { name: "Verify email address" }).click();
    await mailTab.waitForURL(/\/account\/verify\//);
    expect(mailTab.url().startsWith(stack.apiUrl)).toBe(true);
    expect(await mailTab.getByRole("heading", { level: 1 }).textContent()).toBe("Verify your email address");
    expect(await seriousA11yViolations(mailTab)).toEqual([]);
    await screenshot(mailTab, "verify");

    await mailTab.getByRole("button", { name: "Verify email address" }).click();
    await mailTab.waitForURL((url) => url.href.startsWith(`${webUrl}/signup/verified`));
    expect(await mailTab.getByRole("heading", { level: 1 }).textContent()).toBe("Email address verified");
    expect(await seriousA11yViolations(mailTab)).toEqual([]);
    await screenshot(mailTab, "verified");
    await page.waitForURL(appUrlWithToken(), { timeout: 30_000 });
  });

  it("verifies with the typed code", async () => {
    const page = await newPage();
    await signUpOnWeb(page, webUrl, "code.user@example.com");
    const { code } = await verificationMail(smtp, "code.user@example.com");

    await page.getByLabel("Verification code").fill(code === "000000" ? "111111" : "000000");
    await page.getByRole("button", { name: "Verify", exact: true }).click();
    await expect.poll(() => page.locator("#code-alert").textContent()).toContain("That code is not right");
    await screenshot(page, "check-email-wrong-code");

    await page.getByLabel("Verification code").fill(code);
    await page.getByRole("button", { name: "Verify", exact: true }).click();
    await page.waitForURL(appUrlWithToken());
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("You are signed up");
  });

  it("shows a clear page for an expired link, with a way to get a new one", async () => {
    const page = await newPage();
    const email = "late.user@example.com";
    await signUpOnWeb(page, webUrl, email);
    const { link } = await verificationMail(smtp, email);
    await database.sql`update verification_tokens set expires_at = now() - interval '1 minute'
      where sign_up_id in (select id from sign_ups where email_normalized = ${email}) or user_id in (select id from users where email_normalized = ${email})`;

    const linkTab = await page.context().newPage();
    await linkTab.goto(link);
    expect(await linkTab.getByRole("heading", { level: 1 }).textContent()).toBe("This link has expired");
    expect(await seriousA11yViolations(linkTab)).toEqual([]);
    await screenshot(linkTab, "expired-link");
    await linkTab.getByLabel("Email address").fill(email);
    await linkTab.getByRole("button", { name: "Send me a new link" }).click();
    await expect.poll(() => linkTab.getByRole("heading", { level: 1 }).textContent()).toBe("Check your email");
    expect(await linkTab.getByRole("status").textContent()).toContain("a new mail with a link and a code is on its way");
  });

  it("acceptance: with JavaScript, the sign-up page moves on by itself once the link is used in another page", async () => {
    const email = "magic.link@example.com";
    const page = await newPage();
    await signUpOnWeb(page, webUrl, email);
    const { link } = await verificationMail(smtp, email);

    const second = await page.context().newPage();
    await second.goto(link);
    await second.getByRole("button", { name: "Verify email address" }).click();
    await second.waitForURL((url) => url.href.startsWith(`${webUrl}/signup/verified`));

    await page.waitForURL(appUrlWithToken(), { timeout: 30_000 });
    const claims = await verifyCompletionToken(page.url(), stack.apiUrl);
    expect(claims.sub).toBe(await userId(email));
    expect(claims.email).toBe(email);
  });

  it("acceptance: without JavaScript, the typed code completes the sign-up on the app URL", async () => {
    const email = "no.script@example.com";
    const page = await newPage({ javaScript: false });
    await signUpOnWeb(page, webUrl, email);
    expect(await page.locator("strong").textContent()).toBe(email);
    const { code } = await verificationMail(smtp, email);

    await page.getByLabel("Verification code").fill(code);
    await page.getByRole("button", { name: "Verify", exact: true }).click();
    await page.waitForURL(appUrlWithToken());
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("You are signed up");
    const claims = await verifyCompletionToken(page.url(), stack.apiUrl);
    expect(claims.sub).toBe(await userId(email));
    expect(claims.email).toBe(email);
  });
});
