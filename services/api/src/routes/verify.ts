import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import type { Database } from "@signup/db";
import { requestResend } from "../account/request-resend.ts";
import { consumeCode } from "../account/verify-code.ts";
import { consumeToken, inspectToken, tokenFailure, type TokenFailure } from "../account/verify-token.ts";
import { HttpError } from "../http-error.ts";
import { checkEmailPage } from "../pages/check-email-page.ts";
import { tokenProblemPage, verifyPage } from "../pages/verify-pages.ts";
import { parseInput } from "../validation.ts";
import { formBody, isFormPost, publicPostLimit, type SiteSettings } from "./site-settings.ts";
import { docs } from "../openapi.ts";

type TokenParams = { Params: { token: string } };

const codeBody = z.strictObject({ email: z.string().trim().max(254).pipe(z.email()), code: z.string().trim().regex(/^\d{6}$/, "Enter the 6 digits from the mail.") });
const resendBody = z.strictObject({ email: z.string().trim().max(254).pipe(z.email()) });

export function htmlReply(reply: FastifyReply): FastifyReply {
  // Pages may carry a token in their URL: never leak it to another site or a shared cache.
  return reply.header("referrer-policy", "no-referrer").header("cache-control", "no-store").type("text/html; charset=utf-8");
}

const wantsJson = (accept: string | undefined) => Boolean(accept?.includes("application/json"));

export function verifyRoutes(app: FastifyInstance, deps: { db: Database; site: SiteSettings }): void {
  const { site } = deps;
  const checkEmailContext = { ...site, resendCooldownSeconds: Math.round(site.resendCooldownMs / 1_000) };

  // GET never changes state: it only shows the button (or why the link is no good).
  app.get<TokenParams>("/account/verify/:token", docs("The verify page (a button; changes nothing)", { tags: ["account"] }), async (request, reply) => {
    const state = await inspectToken(deps.db, request.params.token);
    htmlReply(reply);
    if (state !== "valid") return reply.status(tokenFailure(state).statusCode).send(tokenProblemPage(site, state));
    return reply.send(verifyPage(site, `/account/verify/${encodeURIComponent(request.params.token)}`));
  });

  app.post<TokenParams>("/account/verify/:token", { ...publicPostLimit(site), ...docs("Verify by link", { tags: ["account"], description: "303 to /account/verified, or 200 {status:\"verified\"} with Accept: application/json; token_invalid 404, token_expired and token_used 410." }) }, async (request, reply) => {
    const json = wantsJson(request.headers.accept);
    try {
      await consumeToken(deps.db, request.params.token, { requestId: request.id });
    } catch (error) {
      if (json || !(error instanceof HttpError)) throw error;
      return htmlReply(reply).status(error.statusCode).send(tokenProblemPage(site, error.code as TokenFailure));
    }
    if (json) return reply.send({ status: "verified" });
    return reply.header("referrer-policy", "no-referrer").redirect("/account/verified", 303);
  });

  app.post("/account/verify", { ...publicPostLimit(site), ...docs("Verify by the typed code", { tags: ["account"], body: codeBody }) }, async (request, reply) => {
    const form = isFormPost(request);
    const body = form ? formBody(request.body) : request.body;
    try {
      const { email, code } = parseInput(codeBody, body);
      await consumeCode(deps.db, email, code, { requestId: request.id });
    } catch (error) {
      if (!form || !(error instanceof HttpError)) throw error;
      const email = (body as Record<string, string>).email;
      const message = error.fields?.map((f) => f.message).join(" ") || error.message;
      return htmlReply(reply).status(error.statusCode).send(checkEmailPage(checkEmailContext, { email, error: message }));
    }
    if (form) return reply.redirect("/account/verified", 303);
    return reply.send({ status: "verified" });
  });

  app.post("/account/verify/resend", { ...publicPostLimit(site), ...docs("Ask for a new verification mail", { tags: ["account"], body: resendBody, description: "202 {status:\"okay\"} whatever the address." }) }, async (request, reply) => {
    const form = isFormPost(request);
    const { email } = parseInput(resendBody, form ? formBody(request.body) : request.body);
    await requestResend(deps.db, email, { requestId: request.id, cooldownMs: site.resendCooldownMs });
    // The same answer whatever the address: pending, verified, unknown or throttled.
    if (form) return reply.redirect(`/signup/check-email?email=${encodeURIComponent(email)}&resent=1`, 303);
    return reply.status(202).send({ status: "okay" });
  });
}
