import { EmailVerificationPrepared, SignUpAttemptExisting } from "@signup/contracts";
import {
  auditInsertWhere,
  eq,
  eventSlots,
  eventValues,
  type Executor,
  outboxSlotsWhere,
  rowFrom,
  signUps,
  type Slots,
  sql,
  statement,
  users,
} from "@signup/db";
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

  const common = {
    signUpId: row.id,
    strategy: request.strategy,
    ttlSeconds: settings.tokenTtlMs / 1_000,
    redirectUrl: request.redirectUrl ?? null,
    cooldownSeconds: settings.cooldownMs / 1_000,
    userId: row.userId,
    correlationId: row.correlationId,
  };
  const rows =
    row.userId && !row.ownsUser
      ? await noticeExistingAccount(tx, {
          ...common,
          ...eventValues("event", SignUpAttemptExisting.create({ userId: row.userId, signUpId: row.id }, { correlationId: row.correlationId })),
          auditData: { signUpId: row.id },
        })
      : await requestVerificationMail(tx, {
          ...common,
          emailNormalized: row.emailNormalized,
          ...eventValues("event", EmailVerificationPrepared.create({ signUpId: row.id, strategy: request.strategy }, { correlationId: row.correlationId })),
          auditData: { signUpId: row.id, strategy: request.strategy },
        });
  if (!rows[0]) throw new Error("sign-up vanished while preparing");
  return rowFrom(signUps, rows[0]);
}

const preparedSlots = [
  "signUpId",
  "strategy",
  "ttlSeconds",
  "redirectUrl",
  "cooldownSeconds",
  "userId",
  "correlationId",
  "auditData",
  ...eventSlots("event"),
] as const;
type PreparedSlot = (typeof preparedSlots)[number];

/** The sign-up's own mail slot, the first CTE of both statements below; they return its row. */
const prepared = (v: Slots<PreparedSlot>) => sql`prepared as (
      update ${signUps} set email_strategy = ${v.strategy}, email_prepared_at = now(),
        email_expire_at = now() + make_interval(secs => ${v.ttlSeconds}), email_attempts = 0,
        redirect_url = coalesce(${v.redirectUrl}, redirect_url), updated_at = now()
      where id = ${v.signUpId}
      returning *
    )`;

/** The owner's own per-address mail slot throttles these, as for a repeated one-shot sign-up. */
const noticeExistingAccount = statement(
  preparedSlots,
  (v, db) => sql`with ${prepared(v)},
    slot as (${mailSlotUpdate(db, eq(users.id, v.userId), v.cooldownSeconds).getSQL()}),
    event as (${outboxSlotsWhere(v, "event", sql`exists (select 1 from slot)`)} returning id),
    audit as (${auditInsertWhere(
      {
        actor: "public",
        action: sql`case when exists (select 1 from event) then 'user.signup_attempt_existing' else 'user.signup_attempt_throttled' end`,
        userId: v.userId,
        correlationId: v.correlationId,
        eventId: sql`(select id from event)`,
        data: v.auditData,
      },
      sql`true`,
    )})
    select * from prepared`,
);

/**
 * A new address: one verification mail per address per cooldown across all its sign-ups, so
 * opening many sign-ups cannot mail-bomb somebody's inbox.
 */
const requestVerificationMail = statement(
  [...preparedSlots, "emailNormalized"],
  (v) => sql`with ${prepared(v)},
    recent as (
      select 1 from ${signUps} where email_normalized = ${v.emailNormalized} and id <> ${v.signUpId}
        and email_prepared_at > now() - make_interval(secs => ${v.cooldownSeconds}) limit 1
    ),
    event as (${outboxSlotsWhere(v, "event", sql`not exists (select 1 from recent)`)} returning id),
    touched as (update ${users} set last_mail_requested_at = now() where id = ${v.userId}::uuid returning id),
    audit as (${auditInsertWhere(
      {
        actor: "public",
        action: sql`case when exists (select 1 from event) then 'sign_up.verification_prepared' else 'sign_up.verification_throttled' end`,
        userId: v.userId,
        correlationId: v.correlationId,
        eventId: sql`(select id from event)`,
        data: v.auditData,
      },
      sql`true`,
    )})
    select * from prepared`,
);
