import type { FastifyInstance } from "fastify";
import { serverSignUp } from "../sign-up-session.ts";
import { checkPageTools } from "./check-page.ts";
import type { RouteDeps } from "./route-deps.ts";

type CheckEmailQuery = { Querystring: { email?: string; resent?: string; unsent?: string; sms?: string } };
type FormBody = { Body: Record<string, unknown> | undefined };

export const text = (value: unknown, max: number) => (typeof value === "string" ? value.trim().slice(0, max) : "");

/** The check page and its plain posts for the mail (code, continue, resend), acting on the cookie's sign-up. */
export function checkEmailRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { render, withSession, afterStep } = checkPageTools(deps);

  app.get<CheckEmailQuery>("/signup/check-email", async (request, reply) => {
    const { email, resent, unsent, sms } = request.query;
    const error = unsent === "1" ? "We could not send the mail just now. Wait a moment, then ask for a new one below." : undefined;
    const phone =
      sms === "unsent"
        ? { error: "We could not send the SMS just now. Wait a moment, then ask for a new code below." }
        : sms === "resent"
          ? { resent: true }
          : undefined;
    return render(request, reply, 200, { email: text(email, 254), resent: resent === "1", error, ...(phone ? { phone } : {}) });
  });

  app.post<FormBody>("/signup/check-email/code", async (request, reply) => {
    const email = text(request.body?.email, 254);
    const code = text(request.body?.code, 16);
    if (!/^\d{6}$/.test(code)) return render(request, reply, 400, { email, error: "Enter the 6 digits from the mail." });
    return withSession(request, reply, email, "email", async (session) => {
      const signUp = await serverSignUp(deps.sdk, session).signUp.attemptVerification({ strategy: "email_code", code });
      return afterStep(request, reply, signUp, "email", "Your address is verified, but the sign-up is not complete. Start again to add what is missing.");
    });
  });

  // Without JavaScript nothing polls: after using the link elsewhere, the person says so here.
  app.post<FormBody>("/signup/check-email/continue", async (request, reply) => {
    const email = text(request.body?.email, 254);
    return withSession(request, reply, email, "email", async (session) => {
      const signUp = await serverSignUp(deps.sdk, session).signUp.reload();
      return afterStep(request, reply, signUp, "email", "The address is not verified yet. Open the link in the mail, or type the code.");
    });
  });

  app.post<FormBody>("/signup/check-email/resend", async (request, reply) => {
    const email = text(request.body?.email, 254);
    return withSession(request, reply, email, "email", async (session) => {
      const signUp = await serverSignUp(deps.sdk, session).signUp.prepareVerification({ strategy: "email_code" });
      return reply.redirect(`/signup/check-email?email=${encodeURIComponent(signUp.emailAddress ?? email)}&resent=1`, 303);
    });
  });
}
