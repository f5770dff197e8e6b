import type { FastifyInstance } from "fastify";
import { serverSignUp } from "../sign-up-session.ts";
import { checkPageTools } from "./check-page.ts";
import { text } from "./check-email.ts";
import type { RouteDeps } from "./route-deps.ts";

type FormBody = { Body: Record<string, unknown> | undefined };

/** The check page's plain posts for the SMS (code, new code), acting on the cookie's sign-up. */
export function checkPhoneRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { render, withSession, afterStep } = checkPageTools(deps);

  app.post<FormBody>("/signup/check-email/phone-code", async (request, reply) => {
    const email = text(request.body?.email, 254);
    const code = text(request.body?.code, 16);
    if (!/^\d{6}$/.test(code)) return render(request, reply, 400, { email, phone: { error: "Enter the 6 digits from the SMS." } });
    return withSession(request, reply, email, "phone", async (session) => {
      const signUp = await serverSignUp(deps.sdk, session).signUp.attemptVerification({ strategy: "phone_code", code });
      return afterStep(request, reply, signUp, "phone", "Your number is verified, but the sign-up is not complete. Start again to add what is missing.");
    });
  });

  // The API sends at most one SMS per sign-up per RESEND_COOLDOWN and per number per day: asking again is safe.
  app.post<FormBody>("/signup/check-email/phone-resend", async (request, reply) => {
    const email = text(request.body?.email, 254);
    return withSession(request, reply, email, "phone", async (session) => {
      const signUp = await serverSignUp(deps.sdk, session).signUp.prepareVerification({ strategy: "phone_code" });
      return reply.redirect(`/signup/check-email?email=${encodeURIComponent(signUp.emailAddress ?? email)}&sms=resent`, 303);
    });
  });
}
