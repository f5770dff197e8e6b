import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { SignUpError, type SignUp } from "@signup/client";
import { withCompletionToken } from "../completion-url.ts";
import { checkEmailPage, type CheckEmailState } from "../pages/check-email-page.ts";
import { clearSession, readSession, serverSignUp, type Session } from "../sign-up-session.ts";
import { verificationMessage } from "../verification-messages.ts";
import type { RouteDeps } from "./route-deps.ts";

type CheckEmailQuery = { Querystring: { email?: string; resent?: string; unsent?: string } };
type FormBody = { Body: Record<string, unknown> | undefined };

const text = (value: unknown, max: number) => (typeof value === "string" ? value.trim().slice(0, max) : "");

/** The check-email page and its plain posts (code, continue, resend), acting on the cookie's sign-up. */
export function checkEmailRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { ctx, htmlReply } = deps;
  // The page is still useful without the API's settings; the usual cooldown stands in.
  const cooldown = async () => (await deps.settings.get().catch(() => undefined))?.resendCooldownSeconds ?? 60;

  async function render(request: FastifyRequest, reply: FastifyReply, status: number, state: Omit<CheckEmailState, "resendCooldownSeconds" | "serverSession">) {
    const serverSession = readSession(request) !== null && !state.restart;
    return htmlReply(reply).status(status).send(checkEmailPage(ctx, { ...state, serverSession, resendCooldownSeconds: await cooldown() }));
  }

  /** A call on the cookie's sign-up; no cookie, or a sign-up the API no longer knows: start again. */
  async function withSession(request: FastifyRequest, reply: FastifyReply, email: string, act: (session: Session) => Promise<FastifyReply>) {
    const session = readSession(request);
    if (!session) return render(request, reply, 400, { email, restart: true });
    try {
      return await act(session);
    } catch (error) {
      if (!(error instanceof SignUpError)) throw error;
      if (error.code === "not_found") {
        clearSession(reply);
        return render(request, reply, 404, { email, restart: true });
      }
      const status = error.status >= 400 && error.status < 500 ? error.status : 503;
      return render(request, reply, status, { email, error: verificationMessage(error) });
    }
  }

  /** A complete sign-up leaves for the app with its completion token; the cookie has done its job. */
  function toApp(reply: FastifyReply, signUp: SignUp): FastifyReply | undefined {
    if (signUp.status !== "complete" || !signUp.completionToken) return undefined;
    clearSession(reply);
    return reply.redirect(withCompletionToken(ctx.appUrl, signUp.completionToken), 303);
  }

  app.get<CheckEmailQuery>("/signup/check-email", async (request, reply) => {
    const { email, resent, unsent } = request.query;
    const error = unsent === "1" ? "We could not send the mail just now. Wait a moment, then ask for a new one below." : undefined;
    return render(request, reply, 200, { email: text(email, 254), resent: resent === "1", error });
  });

  app.post<FormBody>("/signup/check-email/code", async (request, reply) => {
    const email = text(request.body?.email, 254);
    const code = text(request.body?.code, 16);
    if (!/^\d{6}$/.test(code)) return render(request, reply, 400, { email, error: "Enter the 6 digits from the mail." });
    return withSession(request, reply, email, async (session) => {
      const signUp = await serverSignUp(deps.sdk, session).signUp.attemptVerification({ strategy: "email_code", code });
      return toApp(reply, signUp) ?? render(request, reply, 409, { email, error: "Your address is verified, but the sign-up is not complete. Start again to add what is missing." });
    });
  });

  // Without JavaScript nothing polls: after using the link elsewhere, the person says so here.
  app.post<FormBody>("/signup/check-email/continue", async (request, reply) => {
    const email = text(request.body?.email, 254);
    return withSession(request, reply, email, async (session) => {
      const signUp = await serverSignUp(deps.sdk, session).signUp.reload();
      return toApp(reply, signUp) ?? render(request, reply, 409, { email: signUp.emailAddress ?? email, error: "The address is not verified yet. Open the link in the mail, or type the code." });
    });
  });

  app.post<FormBody>("/signup/check-email/resend", async (request, reply) => {
    const email = text(request.body?.email, 254);
    return withSession(request, reply, email, async (session) => {
      const signUp = await serverSignUp(deps.sdk, session).signUp.prepareVerification({ strategy: "email_code" });
      return reply.redirect(`/signup/check-email?email=${encodeURIComponent(signUp.emailAddress ?? email)}&resent=1`, 303);
    });
  });
}
