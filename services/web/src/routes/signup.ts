import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { SignUpError, type SignUp, type SignUpResource } from "@signup/client";
import { SettingsUnavailable, type AccountSettings } from "../account-settings.ts";
import { withCompletionToken } from "../completion-url.ts";
import { missingAfterCreate, missingRequired, readForm, toApiParams, toFormErrors, type FormValues } from "../form-fields.ts";
import { invitationInvalidPage } from "../pages/invitation-invalid-page.ts";
import { signupPage, type Invitation } from "../pages/signup-page.ts";
import { unavailablePage } from "../pages/unavailable-page.ts";
import { clearSession, readSession, saveSession, serverSignUp } from "../sign-up-session.ts";
import { checkPageUrl, prepareVerifications } from "../sign-up-steps.ts";
import type { RouteDeps } from "./route-deps.ts";

type SignupQuery = { Querystring: { ticket?: string } };

/** The API's tickets are 43 base64url characters; anything else cannot be one, but the API decides. */
const ticketOf = (value: unknown) => (typeof value === "string" && /^[A-Za-z0-9_-]{1,200}$/.test(value.trim()) ? value.trim() : undefined);

/** A form post by invitation: a fresh ticket, or the sign-up that a spent one created (in the cookie). */
function invitationOf(body: Record<string, unknown>): Invitation | undefined {
  const ticket = ticketOf(body.ticket);
  if (ticket) return { ticket };
  return body.invited === "continue" ? { continuing: true } : undefined;
}

/** The sign-up form, and its plain post: what a browser without JavaScript gets. */
export function signupRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { ctx, htmlReply } = deps;

  /** The instance's fields, or a 503 page that says what happened and offers to try again. */
  async function settingsOr503(reply: FastifyReply): Promise<AccountSettings | undefined> {
    try {
      return await deps.settings.get();
    } catch (error) {
      if (!(error instanceof SettingsUnavailable)) throw error;
      reply.log.warn({ err: error }, "sign-up settings unavailable");
      htmlReply(reply).status(503).header("retry-after", "30").send(unavailablePage(ctx, "/signup"));
      return undefined;
    }
  }

  // The ticket is in this URL: the request log keeps paths only, and pages send no referrer.
  app.get<SignupQuery>("/signup", async (request, reply) => {
    const settings = await settingsOr503(reply);
    if (!settings) return reply;
    const ticket = ticketOf(request.query.ticket);
    return htmlReply(reply).send(signupPage(ctx, settings, ticket ? { invitation: { ticket } } : {}));
  });

  app.get("/signup/invitation-invalid", async (_request, reply) => htmlReply(reply).send(invitationInvalidPage(ctx)));

  /**
   * What follows a create (or, by invitation, an update): the app when the sign-up is complete
   * (a ticket proves the address), the form again while fields are missing, else the check page
   * once the mail and SMS it needs are asked for.
   */
  async function next(
    request: FastifyRequest,
    reply: FastifyReply,
    state: { settings: AccountSettings; values: FormValues; invitation: Invitation | undefined; signUp: SignUpResource; result: SignUp },
  ) {
    const { settings, values, invitation, result } = state;
    if (result.status === "complete" && result.completionToken) {
      clearSession(reply);
      return reply.redirect(withCompletionToken(ctx.appUrl, result.completionToken), 303);
    }
    const stillMissing = missingAfterCreate(result);
    if (stillMissing.length > 0) {
      // A spent ticket cannot create again: the next post continues this sign-up.
      const continuing: Invitation | undefined = invitation ? { continuing: true } : undefined;
      return htmlReply(reply)
        .status(400)
        .send(signupPage(ctx, settings, { values, errors: stillMissing, ...(continuing ? { invitation: continuing } : {}) }));
    }
    const unsent = await prepareVerifications(state.signUp, result, (what, error) => request.log.warn({ err: error }, `could not send ${what}`));
    return reply.redirect(checkPageUrl(result.emailAddress ?? values.email ?? "", unsent), 303);
  }

  app.post("/signup", async (request, reply) => {
    const settings = await settingsOr503(reply);
    if (!settings) return reply;
    const body = (request.body ?? {}) as Record<string, unknown>;
    const invitation = invitationOf(body);
    const values = readForm(body, settings);
    // By invitation the ticket supplies the address; a typed one would only be refused.
    if (invitation) delete values.email;
    const pageState = { values, ...(invitation ? { invitation } : {}) };
    const missing = missingRequired(values, settings, invitation ? ["email"] : []);
    if (missing.length > 0)
      return htmlReply(reply)
        .status(400)
        .send(signupPage(ctx, settings, { ...pageState, errors: missing }));

    const session = invitation && "continuing" in invitation ? readSession(request) : null;
    if (invitation && "continuing" in invitation && !session) return htmlReply(reply).status(400).send(invitationInvalidPage(ctx));
    const { signUp, session: stored } = serverSignUp(deps.sdk, session);
    const params = toApiParams(values);
    try {
      const result = !invitation
        ? await signUp.create(params)
        : "ticket" in invitation
          ? await signUp.create({ strategy: "ticket", ticket: invitation.ticket, ...params })
          : await signUp.update(params);
      // The cookie lets the plain check page act on this sign-up; a complete one needs none.
      const held = stored();
      if (held && !session && result.status !== "complete") saveSession(request, reply, held);
      return await next(request, reply, { settings, values, invitation, signUp, result });
    } catch (error) {
      if (!(error instanceof SignUpError)) throw error;
      // One answer from the API for a used, expired, withdrawn or unknown ticket; the same here.
      if (error.code === "ticket_invalid" || (invitation && error.code === "not_found")) return htmlReply(reply).status(400).send(invitationInvalidPage(ctx));
      if (error.status === 0 || error.status >= 500) return htmlReply(reply).status(503).send(unavailablePage(ctx, "/signup"));
      const errors = toFormErrors(error.fields);
      const message = errors.length > 0 ? undefined : error.message;
      return htmlReply(reply)
        .status(error.status)
        .send(signupPage(ctx, settings, { ...pageState, errors, message }));
    }
  });
}
