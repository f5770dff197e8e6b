import type { FastifyInstance, FastifyRequest } from "fastify";
import { type Database, eq, users } from "@signup/db";
import { hashPassword } from "../account/password.ts";
import { requireAllowedRedirect } from "../account/redirects.ts";
import { mintCompletionToken } from "../completion/completion-token.ts";
import type { SigningKeys } from "../completion/signing-keys.ts";
import { HttpError } from "../http-error.ts";
import { docs } from "../openapi.ts";
import { attemptCode, attemptFailure } from "../sign-ups/attempt-verification.ts";
import { preparePhoneVerification } from "../sign-ups/prepare-phone.ts";
import { authorizedSignUp } from "../sign-ups/client-token.ts";
import { createSignUp, mapUsernameConflict, type SignUpChanges, updateSignUp } from "../sign-ups/edit-sign-up.ts";
import type { SignUpRow } from "../sign-ups/fields.ts";
import { prepareEmailVerification } from "../sign-ups/prepare-verification.ts";
import { attemptBody, prepareBody, signUpBodySchema, type SignUpBody } from "../sign-ups/schema.ts";
import { toSignUpJson } from "../sign-ups/view.ts";
import { parseInput } from "../validation.ts";
import { publicPostLimit, type SiteSettings } from "./site-settings.ts";

type IdParams = { Params: { id: string } };

/** How long after completion a client-token holder can still fetch a fresh completion token. */
const completionWindowMs = 10 * 60_000;

/** The sign-up as a resource, after Clerk's SignUp: built up in steps, authorised by its client token. */
export function signUpRoutes(app: FastifyInstance, deps: { db: Database; site: SiteSettings; signingKeys: SigningKeys }): void {
  const { db, site } = deps;
  const createSchema = signUpBodySchema(site.fields, "create");
  const updateSchema = signUpBodySchema(site.fields, "update");
  const settleContext = (request: FastifyRequest) => ({ fields: site.fields, requestId: request.id });
  const prepareSettings = (request: FastifyRequest) => ({
    ...settleContext(request),
    cooldownMs: site.resendCooldownMs,
    tokenTtlMs: site.tokenTtlMs,
    phoneCodeTtlMs: site.phoneCodeTtlMs,
    smsDailyBudget: site.smsDailyBudget,
  });

  /** Validates a step's body and turns it into column values: metadata checked, password hashed. */
  async function changesFrom(schema: typeof createSchema, body: unknown): Promise<SignUpChanges> {
    const { password, unsafeMetadata, redirectUrl, strategy: _ticketStrategy, ...fields } = parseInput(schema, body) as SignUpBody;
    let metadata: Record<string, unknown> | undefined;
    if (unsafeMetadata !== undefined) {
      const checked = site.validateMetadata(unsafeMetadata);
      if (!checked.ok) throw new HttpError(400, "validation_failed", "Some fields are missing or invalid.", checked.errors);
      metadata = checked.value;
    }
    const allowedRedirect = requireAllowedRedirect(redirectUrl, site.redirectAllowlist);
    return {
      ...fields,
      ...(metadata ? { unsafeMetadata: metadata } : {}),
      ...(allowedRedirect ? { redirectUrl: allowedRedirect } : {}),
      // Hashed first: the plain password goes no further than this line.
      ...(password !== undefined ? { passwordHash: await hashPassword(password) } : {}),
    };
  }

  async function present(row: SignUpRow) {
    let token: string | null = null;
    if (row.status === "complete" && row.userId && row.completedAt && Date.now() - row.completedAt.getTime() < completionWindowMs) {
      const [user] = await db
        .select({ email: users.email, idp: users.idp, idpStatus: users.idpStatus, idpInternalId: users.idpInternalId })
        .from(users)
        .where(eq(users.id, row.userId));
      if (user) {
        const provisioned = user.idpStatus === "provisioned";
        token = await mintCompletionToken(deps.signingKeys, {
          issuer: site.publicUrl,
          userId: row.userId,
          email: user.email,
          signUpId: row.id,
          idp: provisioned ? user.idp : null,
          idpInternalId: provisioned ? user.idpInternalId : null,
        });
      }
    }
    return toSignUpJson(row, site.fields, token);
  }

  const inTransaction = async <T>(work: (tx: Database) => Promise<T>): Promise<T> => {
    try {
      return await db.transaction((tx) => work(tx as unknown as Database));
    } catch (error) {
      throw mapUsernameConflict(error);
    }
  };

  const tags = ["sign-ups"];
  app.post(
    "/v1/sign-ups",
    { ...publicPostLimit(site), ...docs("Start a sign-up", { tags, body: createSchema, description: "201: the SignUp plus its clientToken (shown once)." }) },
    async (request, reply) => {
      const changes = await changesFrom(createSchema, request.body);
      const { row, clientToken } = await inTransaction((tx) => createSignUp(tx, changes, { ...settleContext(request), correlationId: request.id }));
      return reply.status(201).send({ ...(await present(row)), clientToken });
    },
  );

  app.get<IdParams>("/v1/sign-ups/:id", docs("Read a sign-up (what the magic-link flow polls)", { tags }), async (request) => {
    return present(await authorizedSignUp(db, request.params.id, request.headers.authorization));
  });

  app.patch<IdParams>("/v1/sign-ups/:id", { ...publicPostLimit(site), ...docs("Supply more fields", { tags, body: updateSchema }) }, async (request) => {
    const changes = await changesFrom(updateSchema, request.body);
    const row = await inTransaction(async (tx) =>
      updateSignUp(tx, await authorizedSignUp(tx, request.params.id, request.headers.authorization, { lock: true }), changes, settleContext(request)),
    );
    return present(row);
  });

  app.post<IdParams>(
    "/v1/sign-ups/:id/prepare-verification",
    { ...publicPostLimit(site), ...docs("Send the verification mail (link and code) or SMS (phone_code)", { tags, body: prepareBody }) },
    async (request) => {
      const { strategy, redirectUrl } = parseInput(prepareBody, request.body);
      const allowed = requireAllowedRedirect(redirectUrl, site.redirectAllowlist);
      const row = await inTransaction(async (tx) => {
        const current = await authorizedSignUp(tx, request.params.id, request.headers.authorization, { lock: true });
        if (strategy === "phone_code") return preparePhoneVerification(tx, current, prepareSettings(request));
        return prepareEmailVerification(tx, current, { strategy, ...(allowed ? { redirectUrl: allowed } : {}) }, prepareSettings(request));
      });
      return present(row);
    },
  );

  app.post<IdParams>(
    "/v1/sign-ups/:id/attempt-verification",
    {
      ...publicPostLimit(site),
      ...docs("Verify with the code from the mail or SMS", {
        tags,
        body: attemptBody,
        description: "422 verification_failed, verification_expired or too_many_attempts.",
      }),
    },
    async (request) => {
      const { strategy, code } = parseInput(attemptBody, request.body);
      const outcome = await inTransaction(async (tx) => {
        const current = await authorizedSignUp(tx, request.params.id, request.headers.authorization, { lock: true });
        return attemptCode(tx, current, strategy, code, settleContext(request));
      });
      if (outcome.failure) throw attemptFailure(outcome.failure);
      return present(outcome.row);
    },
  );
}
