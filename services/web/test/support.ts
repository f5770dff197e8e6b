import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import type { CapturedMail, SmtpSink } from "@signup/test";

/** A plain form post, as a browser without JavaScript sends it. */
export function postForm(app: FastifyInstance, url: string, fields: Record<string, string>, cookie?: string): Promise<LightMyRequestResponse> {
  return app.inject({
    method: "POST",
    url,
    payload: new URLSearchParams(fields).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded", ...(cookie ? { cookie } : {}) },
  });
}

/** The text of the element with this id (first text node), "" when empty, undefined when absent. */
export function textById(body: string, id: string): string | undefined {
  return new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(body)?.[1];
}

/** "name=value" of the sign-up cookie the answer set, for the next request. */
export function sessionCookie(response: LightMyRequestResponse): string {
  const cookie = response.cookies.find((c) => c.name === "signup_session");
  if (!cookie?.value) throw new Error(`no sign-up cookie in the answer (${response.statusCode})`);
  return `${cookie.name}=${cookie.value}`;
}

export async function codeFromMail(smtp: SmtpSink, address: string): Promise<{ mail: CapturedMail; code: string }> {
  const mail = await smtp.waitForMail((m) => m.to.includes(address), 20_000);
  const code = /code on the sign-up page: (\d{6})/.exec(mail.text)?.[1];
  if (!code) throw new Error(`no code in the mail to ${address}:\n${mail.text}`);
  return { mail, code };
}

/** The claims of a JWT, unverified: the browser test verifies tokens against the JWKS. */
export function jwtClaims(token: string): Record<string, unknown> {
  const payload = token.split(".")[1] ?? "";
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
}
