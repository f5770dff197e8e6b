import { EmailVerificationPrepared, SignUpAttemptExisting } from "@signup/contracts";
import { and, appendAudit, auditInsert, enqueueEvent, eq, type Executor, gt, ne, outboxInsertWhere, signUps, sql, users } from "@signup/db";
import { mailSlotUpdate } from "../account/mail-throttle.ts";
import { HttpError } from "../http-error.ts";
import type { SignUpRow } from "./fields.ts";
import type { EmailStrategy } from "./schema.ts";
import { settle, type SettleContext } from "./settle.ts";

export type PrepareSettings = SettleContext & { cooldownMs: number; tokenTtlMs: number };

/**
 * Asks for the mail that verifies the address (it carries both the link and the code). At most one
 * per sign-up per cooldown: a repeat within it changes nothing and answers the same. The answer is
 * built from the sign-up's own columns, which move the same way whoever owns the address; only the
 * event differs: a new address gets the verification mail, an address with an account gets
 * SignUpAttemptExisting (its verified owner is told; a pending one gets a mail for this sign-up).
 */
export async function prepareEmailVerification(
  tx: Executor,
  current: SignUpRow,
  request: { strategy: EmailStrategy; redirectUrl?: string },
  settings: PrepareSettings,
): Promise<SignUpRow> {
  const row = await settle(tx, current, settings);
  if (row.status !== "missing_requirements" || row.emailVerifiedAt) return row;
  if (!row.emailAddress) {
    throw new HttpError(400, "validation_failed", "Give an email address before asking to verify it.", [
      { field: "emailAddress", code: "required", message: "emailAddress is required." },
    ]);
  }
  if (row.emailPreparedAt && Date.now() - row.emailPreparedAt.getTime() < settings.cooldownMs) return row;

  const [prepared] = await tx
    .update(signUps)
    .set({
      emailStrategy: request.strategy,
      emailPreparedAt: sql`now()`,
      emailExpireAt: sql`now() + make_interval(secs => ${settings.tokenTtlMs / 1_000})`,
      emailAttempts: 0,
      ...(request.redirectUrl ? { redirectUrl: request.redirectUrl } : {}),
      updatedAt: sql`now()`,
    })
    .where(eq(signUps.id, row.id))
    .returning();
  if (!prepared) throw new Error("sign-up vanished while preparing");

  if (prepared.userId && !prepared.ownsUser) await noticeExistingAccount(tx, prepared, settings.cooldownMs);
  else await requestVerificationMail(tx, prepared, request.strategy, settings.cooldownMs);
  return prepared;
}

/** The owner's own per-address mail slot throttles these, as for a repeated one-shot sign-up. */
async function noticeExistingAccount(tx: Executor, row: SignUpRow, cooldownMs: number): Promise<void> {
  const event = SignUpAttemptExisting.create({ userId: row.userId!, signUpId: row.id }, { correlationId: row.correlationId });
  const audit = auditInsert(tx, {
    actor: "public",
    action: sql`case when exists (select 1 from event) then 'user.signup_attempt_existing' else 'user.signup_attempt_throttled' end`,
    userId: row.userId,
    correlationId: row.correlationId,
    eventId: sql`(select id from event)`,
    data: { signUpId: row.id },
  });
  await tx.execute(sql`
    with slot as (${mailSlotUpdate(tx, eq(users.id, row.userId!), cooldownMs).getSQL()}), event as (
      ${outboxInsertWhere(event, sql`exists (select 1 from slot)`)}
      returning id
    )
    ${audit.getSQL()}`);
}

/**
 * A new address: one verification mail per address per cooldown across all its sign-ups, so
 * opening many sign-ups cannot mail-bomb somebody's inbox.
 */
async function requestVerificationMail(tx: Executor, row: SignUpRow, strategy: EmailStrategy, cooldownMs: number): Promise<void> {
  const [recent] = await tx
    .select({ id: signUps.id })
    .from(signUps)
    .where(and(eq(signUps.emailNormalized, row.emailNormalized!), ne(signUps.id, row.id), gt(signUps.emailPreparedAt, sql`now() - make_interval(secs => ${cooldownMs / 1_000})`)))
    .limit(1);
  const event = EmailVerificationPrepared.create({ signUpId: row.id, strategy }, { correlationId: row.correlationId });
  if (!recent) await enqueueEvent(tx, event);
  if (row.userId) await tx.update(users).set({ lastMailRequestedAt: sql`now()` }).where(eq(users.id, row.userId));
  await appendAudit(tx, {
    actor: "public",
    action: recent ? "sign_up.verification_throttled" : "sign_up.verification_prepared",
    userId: row.userId,
    correlationId: row.correlationId,
    eventId: recent ? null : event.id,
    data: { signUpId: row.id, strategy },
  });
}
