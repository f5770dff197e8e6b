import { EmailVerificationPrepared, SignUpAttemptExisting } from "@signup/contracts";
import { auditInsertWhere, eq, type Executor, outboxInsertWhere, rowFrom, signUps, sql, type SQL, users } from "@signup/db";
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
 * Either way it is one statement. `settled`: the caller has just settled the row (the one-shot
 * sign-up), so it is not settled again.
 */
export async function prepareEmailVerification(
  tx: Executor,
  current: SignUpRow,
  request: { strategy: EmailStrategy; redirectUrl?: string },
  settings: PrepareSettings,
  options: { settled?: boolean } = {},
): Promise<SignUpRow> {
  const row = options.settled ? current : await settle(tx, current, settings);
  if (row.status !== "missing_requirements" || row.emailVerifiedAt) return row;
  if (!row.emailAddress) {
    throw new HttpError(400, "validation_failed", "Give an email address before asking to verify it.", [
      { field: "emailAddress", code: "required", message: "emailAddress is required." },
    ]);
  }
  if (row.emailPreparedAt && Date.now() - row.emailPreparedAt.getTime() < settings.cooldownMs) return row;

  const ctes =
    row.userId && !row.ownsUser ? noticeExistingAccount(tx, row, settings.cooldownMs) : requestVerificationMail(row, request.strategy, settings.cooldownMs);
  const rows = await tx.execute<Record<string, unknown>>(sql`
    with prepared as (
      update ${signUps} set email_strategy = ${request.strategy}, email_prepared_at = now(),
        email_expire_at = now() + make_interval(secs => ${settings.tokenTtlMs / 1_000}), email_attempts = 0,
        redirect_url = coalesce(${request.redirectUrl ?? null}, redirect_url), updated_at = now()
      where id = ${row.id}
      returning *
    ), ${ctes}
    select * from prepared`);
  if (!rows[0]) throw new Error("sign-up vanished while preparing");
  return rowFrom(signUps, rows[0]);
}

/** The owner's own per-address mail slot throttles these, as for a repeated one-shot sign-up. */
function noticeExistingAccount(tx: Executor, row: SignUpRow, cooldownMs: number): SQL {
  const event = SignUpAttemptExisting.create({ userId: row.userId!, signUpId: row.id }, { correlationId: row.correlationId });
  return sql`slot as (${mailSlotUpdate(tx, eq(users.id, row.userId!), cooldownMs).getSQL()}),
    event as (${outboxInsertWhere(event, sql`exists (select 1 from slot)`)} returning id),
    audit as (${auditInsertWhere(
      {
        actor: "public",
        action: sql`case when exists (select 1 from event) then 'user.signup_attempt_existing' else 'user.signup_attempt_throttled' end`,
        userId: row.userId,
        correlationId: row.correlationId,
        eventId: sql`(select id from event)`,
        data: { signUpId: row.id },
      },
      sql`true`,
    )})`;
}

/**
 * A new address: one verification mail per address per cooldown across all its sign-ups, so
 * opening many sign-ups cannot mail-bomb somebody's inbox.
 */
function requestVerificationMail(row: SignUpRow, strategy: EmailStrategy, cooldownMs: number): SQL {
  const event = EmailVerificationPrepared.create({ signUpId: row.id, strategy }, { correlationId: row.correlationId });
  return sql`recent as (
      select 1 from ${signUps} where email_normalized = ${row.emailNormalized} and id <> ${row.id}
        and email_prepared_at > now() - make_interval(secs => ${cooldownMs / 1_000}) limit 1
    ),
    event as (${outboxInsertWhere(event, sql`not exists (select 1 from recent)`)} returning id),
    touched as (update ${users} set last_mail_requested_at = now() where id = ${row.userId}::uuid returning id),
    audit as (${auditInsertWhere(
      {
        actor: "public",
        action: sql`case when exists (select 1 from event) then 'sign_up.verification_prepared' else 'sign_up.verification_throttled' end`,
        userId: row.userId,
        correlationId: row.correlationId,
        eventId: sql`(select id from event)`,
        data: { signUpId: row.id, strategy },
      },
      sql`true`,
    )})`;
}
