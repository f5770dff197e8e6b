import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import type { Database } from "@signup/db";
import { afterVerifyLocation } from "../account/redirects.ts";
import { requestResend } from "../account/request-resend.ts";
import { consumeCode } from "../account/verify-code.ts";
import { consumeToken, inspectToken, tokenFailure, type TokenFailure } from "../account/verify-token.ts";
import { HttpError } from "../http-error.ts";
import type { SignUpRow } from "../sign-ups/fields.ts";
import { resentPage, tokenProblemPage, verifyPage } from "../pages/verify-pages.ts";
import { parseInput } from "../validation.ts";
import { formBody, isFormPost, publicPostLimit, type SiteSettings } from "./site-settings.ts";
import { docs } from "../openapi.ts";

type TokenParams = { Params: { token: string } };

const codeBody = z.strictObject({
  email: z.string().trim().max(254).pipe(z.email()),
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, "Enter the 6 digits from the mail."),
});
const resendBody = z.strictObject({ email: z.string().trim().max(254).pipe(z.email()) });

export function htmlReply(reply: FastifyReply): FastifyReply {
  // Pages may carry a token in their URL: never leak it to another site or a shared cache.
  return reply.header("referrer-policy", "no-referrer").header("cache-control", "no-store").type("text/html; charset=utf-8");
}

const wantsJson = (accept: string | undefined) => Boolean(accept?.includes("application/json"));

/**
 * The links in mails stay on the API (at PUBLIC_URL), so mails already sent keep working: a page
 * with the button, the POST that verifies, and the way out of a dead link. Everything else is JSON.
 */
export function verifyRoutes(app: FastifyInstance, deps: { db: Database; site: SiteSettings }): void {
  const { site } = deps;

  // GET never changes state: it only shows the button (or why the link is no good).
  app.get<TokenParams>("/account/verify/:token", docs("The verify page (a button; changes nothing)", { tags: ["account"] }), async (request, reply) => {
    const state = await inspectToken(deps.db, request.params.token);
    htmlReply(reply);
    if (state !== "valid") return reply.status(tokenFailure(state).statusCode).send(tokenProblemPage(site, state));
    return reply.send(verifyPage(site, `/account/verify/${encodeURIComponent(request.params.token)}`));
  });

  app.post<TokenParams>(
    "/account/verify/:token",
    {
      ...publicPostLimit(site),
      ...docs("Verify by link", {
        tags: ["account"],
        description:
          "303 to the sign-up's allowlisted redirectUrl (or the IdP's login with AFTER_VERIFY=oidc, or /account/verified), or 200 {status:\"verified\"} with Accept: application/json; token_invalid 404, token_expired and token_used 410.",
      }),
    },
    async (request, reply) => {
      const json = wantsJson(request.headers.accept);
      let signUp: SignUpRow | null;
      try {
        ({ signUp } = await consumeToken(deps.db, request.params.token, { fields: site.fields, requestId: request.id }));
      } catch (error) {
        if (json || !(error instanceof HttpError)) throw error;
        return htmlReply(reply)
          .status(error.statusCode)
          .send(tokenProblemPage(site, error.code as TokenFailure));
      }
      if (json) return reply.send({ status: "verified" });
      return reply.header("referrer-policy", "no-referrer").redirect(afterVerifyLocation(site, signUp), 303);
    },
  );

  app.post(
    "/account/verify",
    { ...publicPostLimit(site), ...docs("Verify by the typed code", { tags: ["account"], body: codeBody }) },
    async (request, reply) => {
      const { email, code } = parseInput(codeBody, request.body);
      await consumeCode(deps.db, email, code, { fields: site.fields, requestId: request.id });
      return reply.send({ status: "verified" });
    },
  );

  app.post(
    "/account/verify/resend",
    {
      ...publicPostLimit(site),
      ...docs("Ask for a new verification mail", { tags: ["account"], body: resendBody, description: '202 {status:"okay"} whatever the address.' }),
    },
    async (request, reply) => {
      // The dead-link page's form posts here without JavaScript, so a form post gets a page back.
      const form = isFormPost(request);
      const { email } = parseInput(resendBody, form ? formBody(request.body) : request.body);
      await requestResend(deps.db, email, { requestId: request.id, cooldownMs: site.resendCooldownMs });
      // The same answer whatever the address: pending, verified, unknown or throttled.
      if (form) return htmlReply(reply).send(resentPage(site));
      return reply.status(202).send({ status: "okay" });
    },
  );
}
