import { auditInsertWhere, eq, type Executor, type Placeholder, rowFrom, signUps, type Slots, sql, type SQL, statement, users } from "@signup/db";
import type { SignupFields } from "../account/signup-fields.ts";
import { activationCtes, activationSlots, activationValues, correlationOf } from "../account/activate-user.ts";
import { missingFields, type SignUpRow } from "./fields.ts";
import {
  byMailKind,
  type MailRequest,
  mailKind,
  mailRequestCtes,
  mailRequestSlots,
  mailRequestValues,
  type MailSettings,
  mailSlotColumns,
} from "./mail-request.ts";
import { recordUserCtes, recordUserSlots, recordUserValues } from "./record-user.ts";

export type SettleContext = { fields: SignupFields; requestId: string };

/**
 * Brings a sign-up's derived state up to date after any change, inside the caller's transaction:
 * 1. who owns the address (a verified account makes it "taken"; a pending one is continued),
 * 2. the account recorded once every required field is there,
 * 3. completion once the address is verified: the account becomes active and the sign-up complete.
 * Every public answer reads the row this returns, and nothing in it depends on whether the address
 * was taken except columns no answer shows. Steps 1 and 2 run the same statements whoever owns the
 * address (a lookup, then one statement), so timing does not tell a taken address from a new one.
 */
export async function settle(
  tx: Executor,
  row: SignUpRow,
  ctx: SettleContext,
  options: { proved?: boolean; owner?: Owner; mail?: SettleMail } = {},
): Promise<SignUpRow> {
  if (row.status !== "missing_requirements") return row;
  let next = row;
  let owner: Owner | undefined;
  if (next.emailNormalized) {
    // `owner`: the caller looked the address up in its own statement (ownerLookup), as a new sign-up does.
    owner = options.owner ?? (await addressOwner(tx, next.emailNormalized));
    if (!next.ownsUser) next = changed(next, { userId: owner.userId, emailTaken: owner.emailTaken });
  }
  if (next.phoneNumber) next = changed(next, { phoneTaken: await phoneHeldByAnother(tx, next.phoneNumber, next.userId) });

  const ready = missingFields(next, ctx.fields).length === 0;
  const record = ready && !next.userId && !next.emailTaken;
  // `proved`: the caller has just spent a link or code sent to the address, so whether the address
  // is taken is no secret to it, and a save that would change nothing can be left out. Everywhere
  // else the save runs whatever it changes, so the statements never depend on the owner.
  const unchanged = !record && next.userId === row.userId && next.emailTaken === row.emailTaken && next.phoneTaken === row.phoneTaken;
  // `mail`: the caller asks for the verification mail next; a row that has never asked gets it in
  // the save's own statement (emailPreparedAt then says it was asked for).
  const mail = options.mail && next.emailAddress && !next.emailVerifiedAt && !next.emailPreparedAt ? options.mail : undefined;
  let saved = options.proved && unchanged ? next : await save(tx, next, record, ctx, mail);
  if (record && !saved.ownsUser) {
    // A concurrent sign-up recorded the address first: continue (or be refused by) that account.
    owner = await addressOwner(tx, saved.emailNormalized!);
    saved = await save(tx, changed(saved, { userId: owner.userId, emailTaken: owner.emailTaken }), false, ctx);
  }
  next = saved;

  const proved = next.emailVerifiedAt !== null && (next.phoneNumber === null || next.phoneVerifiedAt !== null);
  if (ready && proved && next.userId && !next.emailTaken && !next.phoneTaken) {
    // The person behind this sign-up proved the address: its account (its own, or a pending one
    // it continues) becomes active, EmailVerified is written if it was not yet, and the sign-up
    // completes, in one statement. A number joins the account only once proved, so a pending
    // sign-up never blocks it for another.
    if (next.phoneNumber) await tx.update(users).set({ phoneNumber: next.phoneNumber }).where(eq(users.id, next.userId));
    const correlationId = owner?.userId === next.userId ? owner.correlationId : await correlationOf(tx, next.userId);
    if (correlationId === undefined) throw new Error("the sign-up's account vanished while completing");
    const rows = await completeSignUp(
      tx,
      Object.assign(activationValues({ id: next.userId, correlationId }, { requestId: ctx.requestId, method: "sign_up" }), {
        signUpId: next.id,
        signUpCorrelationId: next.correlationId,
        completedAudit: { signUpId: next.id },
      }),
    );
    return rows[0] ? rowFrom(signUps, rows[0]) : next;
  }
  return next;
}

/**
 * The person behind a sign-up proved the address: its account becomes active (activationCtes) and
 * the sign-up completes, in one statement.
 */
const completeSignUp = statement(
  [...activationSlots, "signUpId", "signUpCorrelationId", "completedAudit"],
  (v) => sql`
      with ${activationCtes(v)},
      completed_audit as (${auditInsertWhere({ actor: "user", action: "sign_up.completed", userId: v.userId, correlationId: v.signUpCorrelationId, data: v.completedAudit }, sql`true`)}),
      completed as (update ${signUps} set status = 'complete', completed_at = now(), updated_at = now() where id = ${v.signUpId} returning *)
      select * from completed`,
);

/**
 * A row or a statement's values with some fields changed. Object.assign, not `{ ...wide, key }`:
 * V8 builds a spread of an object this wide followed by more keys one key at a time, each time
 * with fresh hidden classes (7-30 µs and up to 24 KB of garbage per merge; the one-shot sign-up
 * made three); Object.assign copies in about a microsecond.
 */
function changed<T extends object>(row: T, fields: Partial<T>): T {
  return Object.assign({}, row, fields);
}

/** The verification mail to ask for in the save's statement (mail-request.ts). */
export type SettleMail = { request: MailRequest; settings: MailSettings };

const saveSlots = [...recordUserSlots, "signUpId", "userId", "ownsUser", "emailTaken", "phoneTaken"] as const;
const derivedColumns = (v: Slots<(typeof saveSlots)[number]>) => sql`
      user_id = coalesce((select id from new_user), ${v.userId}::uuid),
      owns_user = ${v.ownsUser} or exists (select 1 from new_user),
      email_taken = ${v.emailTaken},
      phone_taken = ${v.phoneTaken},
      updated_at = now()`;

/** The derived columns, and the account when `record` says so, in one statement. */
const saveSignUp = statement(saveSlots, (v) => sql`with ${recordUserCtes(v)} update ${signUps} set ${derivedColumns(v)} where id = ${v.signUpId} returning *`);

/**
 * The same, and the mail asked for (one statement per kind of mail). When the account was to be
 * recorded and a concurrent sign-up took the address first (nothing inserted), no mail is asked for
 * and the row's mail slot stays empty: settle continues that account and its caller asks then.
 */
const saveAndMail = byMailKind((kind) =>
  statement([...saveSlots, ...mailRequestSlots], (v, db) => {
    const recorded = sql`(not ${v.record} or exists (select 1 from new_user))`;
    return sql`with ${recordUserCtes(v)},
      ${mailRequestCtes(kind, v, db, { when: recorded, userId: sql`coalesce((select id from new_user), ${v.userId}::uuid)` })}
      update ${signUps} set ${derivedColumns(v)}, ${mailSlotColumns(v, recorded)} where id = ${v.signUpId} returning *`;
  }),
);

async function save(tx: Executor, next: SignUpRow, record: boolean, ctx: SettleContext, mail?: SettleMail): Promise<SignUpRow> {
  // Fresh objects merged with Object.assign, not spread (see changed()).
  const values = Object.assign(recordUserValues(next, { record, mailRequested: mail !== undefined }, ctx), {
    signUpId: next.id,
    userId: next.userId,
    ownsUser: next.ownsUser,
    emailTaken: next.emailTaken,
    phoneTaken: next.phoneTaken,
  });
  const kind = mailKind(next);
  const rows = mail
    ? await saveAndMail[kind](tx, Object.assign(mailRequestValues(next, kind, mail.request, mail.settings), values))
    : await saveSignUp(tx, values);
  if (!rows[0]) throw new Error("sign-up vanished while settling");
  return rowFrom(signUps, rows[0]);
}

async function phoneHeldByAnother(tx: Executor, phoneNumber: string, ownUserId: string | null): Promise<boolean> {
  const [holder] = await tx.select({ id: users.id }).from(users).where(eq(users.phoneNumber, phoneNumber));
  return holder !== undefined && holder.id !== ownUserId;
}

/** Who holds the address; the correlation id is what its EmailVerified will carry on completion. */
export type Owner = Pick<SignUpRow, "userId" | "emailTaken"> & { correlationId: string | undefined };

/**
 * The address owner's lookup as a CTE named `owner`, for a statement that also writes (a new
 * sign-up's insert) or alone (addressOwner), and how to read its columns back (`owner_id`,
 * `owner_status`, `owner_correlation_id`) from that statement's row.
 */
export const ownerLookup = {
  cte: (emailNormalized: string | Placeholder | SQL): SQL =>
    sql`owner as (select id, status, correlation_id from ${users} where email_normalized = ${emailNormalized})`,
  columns: sql`(select id from owner) as owner_id, (select status from owner) as owner_status, (select correlation_id from owner) as owner_correlation_id`,
  read: (raw: Record<string, unknown>): Owner => ({
    userId: (raw.owner_id as string | null) ?? null,
    emailTaken: raw.owner_status === "active",
    correlationId: (raw.owner_correlation_id as string | null) ?? undefined,
  }),
};

async function addressOwner(tx: Executor, emailNormalized: string): Promise<Owner> {
  const [raw] = await tx.execute<Record<string, unknown>>(sql`with ${ownerLookup.cte(emailNormalized)} select ${ownerLookup.columns}`);
  return ownerLookup.read(raw ?? {});
}
