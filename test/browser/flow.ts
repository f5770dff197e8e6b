import type { Page } from "playwright-core";
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from "jose";
import type { SmtpSink } from "@signup/test";

/** Fills the web's sign-up form (email, password, first name) and waits for the check-email page. */
export async function signUpOnWeb(page: Page, webUrl: string, email: string): Promise<void> {
  await page.goto(`${webUrl}/signup`);
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByLabel("First name").fill("Ada");
  await page.getByRole("button", { name: "Sign up" }).click();
  await page.waitForURL(/\/signup\/check-email\?email=/);
}

/** The link and the code of the latest verification mail to this address, from the real SMTP sink. */
export async function verificationMail(smtp: SmtpSink, email: string): Promise<{ link: string; code: string }> {
  await smtp.waitForMail((m) => m.to.includes(email), 20_000);
  const text = smtp.mails.filter((m) => m.to.includes(email)).at(-1)?.text ?? "";
  const link = /https?:\/\/\S+\/account\/verify\/[A-Za-z0-9_-]+/.exec(text)?.[0];
  const code = /code on the sign-up page: (\d{6})/.exec(text)?.[1];
  if (!link || !code) throw new Error(`no link or code in the mail to ${email}:\n${text}`);
  return { link, code };
}

/** What an app does with ?completion_token=: verify it against the API's JWKS (ES256, issuer = PUBLIC_URL). */
export async function verifyCompletionToken(landedAt: string, apiUrl: string): Promise<JWTPayload> {
  const token = new URL(landedAt).searchParams.get("completion_token");
  if (!token) throw new Error(`no completion_token in ${landedAt}`);
  const jwks = createRemoteJWKSet(new URL(`${apiUrl}/.well-known/jwks.json`));
  const { payload } = await jwtVerify(token, jwks, { issuer: apiUrl, algorithms: ["ES256"] });
  return payload;
}
