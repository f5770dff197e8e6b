import { EmailVerificationPrepared, SignUpAttemptExisting } from "@signup/contracts";
import {
  auditInsertWhere,
  eq,
  eventSlots,
  eventValues,
  type Executor,
  outboxSlotsWhere,
  type Placeholder,
  signUps,
  type Slots,
  type SQL,
  sql,
  users,
} from "@signup/db";
import { mailSlotUpdate } from "../account/mail-throttle.ts";
import type { SignUpRow } from "./fields.ts";
import type { EmailStrategy } from "./schema.ts";

/**
 * Asking for the mail that verifies a sign-up's address, as pieces of SQL: the sign-up's own mail
 * slot (assignments for its UPDATE) and the CTEs that queue the mail. prepareEmailVerification runs
 * them as a statement of their own; settle runs them inside its save when the caller asks (the
 * one-shot sign-up: one round trip fewer).
 *
 * Which mail depends on the address, not on the caller: a new address gets its verification mail,
 * at most one per address per cooldown across all its sign-ups (so opening many sign-ups cannot
 * mail-bomb an inbox); an address with an account gets SignUpAttemptExisting (its verified owner is
 * told; a pending one gets a mail for this sign-up), throttled by that account's own mail slot.
 */
export type MailRequest = { strategy: EmailStrategy; redirectUrl?: string };
export type MailSettings = { cooldownMs: number; tokenTtlMs: number };
export type MailKind = "verification" | "existing_account";

export const mailRequestSlots = [
  "signUpId",
  "strategy",
  "ttlSeconds",
  "redirectUrl",
  "cooldownSeconds",
  "userId",
  "correlationId",
  "emailNormalized",
  "mailAudit",
  ...eventSlots("mail"),
] as const;
type MailSlot = (typeof mailRequestSlots)[number];

/** The row's address is held by an account this sign-up did not create: tell that account instead. */
export const mailKind = (row: SignUpRow): MailKind => (row.userId && !row.ownsUser ? "existing_account" : "verification");

/** One of something per kind of mail, e.g. a statement built for each. */
export const byMailKind = <T>(make: (kind: MailKind) => T): Record<MailKind, T> => ({
  verification: make("verification"),
  existing_account: make("existing_account"),
});

export function mailRequestValues(row: SignUpRow, kind: MailKind, request: MailRequest, settings: MailSettings): Record<MailSlot, unknown> {
  const correlation = { correlationId: row.correlationId };
  const event =
    kind === "existing_account" && row.userId
      ? { envelope: SignUpAttemptExisting.create({ userId: row.userId, signUpId: row.id }, correlation), audit: { signUpId: row.id } }
      : {
          envelope: EmailVerificationPrepared.create({ signUpId: row.id, strategy: request.strategy }, correlation),
          audit: { signUpId: row.id, strategy: request.strategy },
        };
  return {
    signUpId: row.id,
    strategy: request.strategy,
    ttlSeconds: settings.tokenTtlMs / 1_000,
    redirectUrl: request.redirectUrl ?? null,
    cooldownSeconds: settings.cooldownMs / 1_000,
    userId: row.userId,
    correlationId: row.correlationId,
    emailNormalized: row.emailNormalized,
    mailAudit: event.audit,
    ...eventValues("mail", event.envelope),
  };
}

/** SET assignments that take the sign-up's own mail slot where `when` holds, and leave it otherwise. */
export function mailSlotColumns(v: Slots<MailSlot>, when: SQL): SQL {
  return sql`email_strategy = case when ${when} then ${v.strategy} else email_strategy end,
    email_prepared_at = case when ${when} then now() else email_prepared_at end,
    email_expire_at = case when ${when} then now() + make_interval(secs => ${v.ttlSeconds}) else email_expire_at end,
    email_attempts = case when ${when} then 0 else email_attempts end,
    redirect_url = coalesce(case when ${when} then ${v.redirectUrl}::text end, redirect_url)`;
}

/**
 * The CTEs that queue the mail and audit the request, where `when` holds. `userId`: the account as
 * it stands once the statement is done (settle's save may record it in the same statement, where
 * the new row is not yet visible: that insert sets the account's last mail itself).
 */
export function mailRequestCtes(kind: MailKind, v: Slots<MailSlot>, db: Executor, at: { when: SQL; userId: SQL | Placeholder }): SQL {
  const audit = (action: SQL) =>
    auditInsertWhere(
      { actor: "public", action, userId: at.userId, correlationId: v.correlationId, eventId: sql`(select id from mail_event)`, data: v.mailAudit },
      at.when,
    );
  if (kind === "existing_account") {
    return sql`mail_slot as (${mailSlotUpdate(db, sql`${eq(users.id, v.userId)} and ${at.when}`, v.cooldownSeconds).getSQL()}),
    mail_event as (${outboxSlotsWhere(v, "mail", sql`exists (select 1 from mail_slot)`)} returning id),
    mail_audit as (${audit(sql`case when exists (select 1 from mail_event) then 'user.signup_attempt_existing' else 'user.signup_attempt_throttled' end`)})`;
  }
  return sql`mail_recent as (
      select 1 from ${signUps} where email_normalized = ${v.emailNormalized} and id <> ${v.signUpId}
        and email_prepared_at > now() - make_interval(secs => ${v.cooldownSeconds}) limit 1
    ),
    mail_event as (${outboxSlotsWhere(v, "mail", sql`${at.when} and not exists (select 1 from mail_recent)`)} returning id),
    mail_touched as (update ${users} set last_mail_requested_at = now() where id = ${v.userId}::uuid and ${at.when} returning id),
    mail_audit as (${audit(sql`case when exists (select 1 from mail_event) then 'sign_up.verification_prepared' else 'sign_up.verification_throttled' end`)})`;
}
