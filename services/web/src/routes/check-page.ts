import type { FastifyReply, FastifyRequest } from "fastify";
import { SignUpError, type SignUp } from "@signup/client";
import { withCompletionToken } from "../completion-url.ts";
import { checkEmailPage, type CheckEmailState } from "../pages/check-email-page.ts";
import { clearSession, readSession, serverSignUp, type Session } from "../sign-up-session.ts";
import { stepsOf, whatIsLeft } from "../sign-up-steps.ts";
import { verificationMessage, type Channel } from "../verification-messages.ts";
import type { RouteDeps } from "./route-deps.ts";

export type PageState = Omit<CheckEmailState, "resendCooldownSeconds" | "serverSession" | "phoneField">;

/** What the check page's routes share: rendering with what is left to prove, acting on the cookie's sign-up, leaving for the app. */
export function checkPageTools(deps: RouteDeps) {
  const { ctx, htmlReply } = deps;
  // The page is still useful without the API's settings; the usual cooldown stands in, and the
  // SMS step shows when the sign-up itself has a number.
  const settings = () => deps.settings.get().catch(() => undefined);

  async function render(request: FastifyRequest, reply: FastifyReply, status: number, state: PageState) {
    const session = state.restart ? null : readSession(request);
    let steps = state.steps;
    // A server-held sign-up (no JavaScript): ask the API which halves are left, so the page shows just those.
    if (session && !steps)
      steps = await serverSignUp(deps.sdk, session)
        .signUp.reload()
        .then(stepsOf, () => undefined);
    const current = await settings();
    const page = checkEmailPage(ctx, {
      ...state,
      ...(steps ? { steps } : {}),
      serverSession: session !== null,
      resendCooldownSeconds: current?.resendCooldownSeconds ?? 60,
      phoneField: current?.fields.phoneNumber ?? "off",
    });
    return htmlReply(reply).status(status).send(page);
  }

  /** A call on the cookie's sign-up; no cookie, or a sign-up the API no longer knows: start again. */
  async function withSession(request: FastifyRequest, reply: FastifyReply, email: string, channel: Channel, act: (session: Session) => Promise<FastifyReply>) {
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
      const message = verificationMessage(error, channel);
      return render(request, reply, status, channel === "phone" ? { email, phone: { error: message } } : { email, error: message });
    }
  }

  /**
   * After a code or "continue": the app when complete (the cookie has done its job); the other
   * half when one is proved; else the page with `stuck` beside the channel's form.
   */
  function afterStep(request: FastifyRequest, reply: FastifyReply, signUp: SignUp, channel: Channel, stuck: string) {
    if (signUp.status === "complete" && signUp.completionToken) {
      clearSession(reply);
      return reply.redirect(withCompletionToken(ctx.appUrl, signUp.completionToken), 303);
    }
    const steps = stepsOf(signUp);
    const email = signUp.emailAddress ?? "";
    const notice = whatIsLeft(steps);
    if (notice) return render(request, reply, 200, { email, steps, notice });
    return render(request, reply, 409, channel === "phone" ? { email, steps, phone: { error: stuck } } : { email, steps, error: stuck });
  }

  return { render, withSession, afterStep };
}
