import type { FastifyInstance, FastifyReply } from "fastify";
import { SignUpError } from "@signup/client";
import { SettingsUnavailable, type AccountSettings } from "../account-settings.ts";
import { missingAfterCreate, missingRequired, readForm, toApiParams, toFormErrors } from "../form-fields.ts";
import { signupPage } from "../pages/signup-page.ts";
import { unavailablePage } from "../pages/unavailable-page.ts";
import { saveSession, serverSignUp } from "../sign-up-session.ts";
import type { RouteDeps } from "./route-deps.ts";

/** The sign-up form, and its plain post: what a browser without JavaScript gets. */
export function signupRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { ctx, htmlReply } = deps;

  /** The instance's fields, or a 503 page that says what happened and offers to try again. */
  async function settingsOr503(reply: FastifyReply): Promise<AccountSettings | undefined> {
    try {
      return await deps.settings.get();
    } catch (error) {
      if (!(error instanceof SettingsUnavailable)) throw error;
      reply.log.warn({ err: error.message }, "sign-up settings unavailable");
      htmlReply(reply).status(503).header("retry-after", "30").send(unavailablePage(ctx, "/signup"));
      return undefined;
    }
  }

  app.get("/signup", async (_request, reply) => {
    const settings = await settingsOr503(reply);
    if (settings) return htmlReply(reply).send(signupPage(ctx, settings));
    return reply;
  });

  app.post("/signup", async (request, reply) => {
    const settings = await settingsOr503(reply);
    if (!settings) return reply;
    const values = readForm(request.body, settings);
    const missing = missingRequired(values, settings);
    if (missing.length > 0) return htmlReply(reply).status(400).send(signupPage(ctx, settings, { values, errors: missing }));

    const { signUp, session } = serverSignUp(deps.sdk, null);
    try {
      const created = await signUp.create(toApiParams(values));
      const stored = session();
      if (stored) saveSession(request, reply, stored);
      const stillMissing = missingAfterCreate(created);
      if (stillMissing.length > 0) return htmlReply(reply).status(400).send(signupPage(ctx, settings, { values, errors: stillMissing }));
      const email = encodeURIComponent(created.emailAddress ?? values.email ?? "");
      try {
        await signUp.prepareVerification({ strategy: "email_code" });
      } catch (error) {
        // The sign-up exists; the check-email page says the mail did not go and offers "resend".
        request.log.warn({ err: (error as Error).message }, "could not send the verification mail");
        return reply.redirect(`/signup/check-email?email=${email}&unsent=1`, 303);
      }
      return reply.redirect(`/signup/check-email?email=${email}`, 303);
    } catch (error) {
      if (!(error instanceof SignUpError)) throw error;
      if (error.status === 0 || error.status >= 500) return htmlReply(reply).status(503).send(unavailablePage(ctx, "/signup"));
      const errors = toFormErrors(error.fields);
      const message = errors.length > 0 ? undefined : error.message;
      return htmlReply(reply).status(error.status).send(signupPage(ctx, settings, { values, errors, message }));
    }
  });
}
