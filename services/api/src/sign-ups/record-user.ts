import { randomUUID } from "node:crypto";
import { EmailVerified, UserRegistered } from "@signup/contracts";
import { auditInsertWhere, eventSlots, eventValues, type Executor, insertRowWhere, outboxSlotsWhere, type Slots, sql, type SQL, users } from "@signup/db";
import type { SignUpRow } from "./fields.ts";

/** The slots recordUserCtes reads; recordUserValues fills them. */
export const recordUserSlots = [
  "newUserId",
  "record",
  "verified",
  "email",
  "emailNormalized",
  "username",
  "firstName",
  "lastName",
  "passwordHash",
  "metadata",
  "status",
  "mailRequested",
  "correlationId",
  "registeredAudit",
  "provedAudit",
  ...eventSlots("registered"),
  ...eventSlots("proved"),
] as const;
type RecordUserSlot = (typeof recordUserSlots)[number];

/**
 * The statements that record a sign-up's account, as CTEs for settle's one statement: the user
 * (ON CONFLICT: a concurrent sign-up may take the address first), UserRegistered with its audit
 * entry, and for an address proved before the last field arrived, EmailVerified too. UserRegistered
 * is written here and nowhere else, so once per account. Every insert is guarded by `record`, a
 * parameter: the same SQL runs whether or not an account is recorded (a taken address included),
 * so neither the statement count nor its text tells the two apart.
 */
export function recordUserCtes(v: Slots<RecordUserSlot>): SQL {
  const inserted = sql`exists (select 1 from new_user)`;
  const provedAndInserted = sql`${v.verified} and exists (select 1 from new_user)`;
  const newUser = insertRowWhere(
    users,
    {
      id: v.newUserId,
      email: v.email,
      emailNormalized: v.emailNormalized,
      username: v.username,
      firstName: v.firstName,
      lastName: v.lastName,
      passwordHash: v.passwordHash,
      metadata: v.metadata,
      correlationId: v.correlationId,
      status: v.status,
      emailVerifiedAt: sql`case when ${v.verified} then now() end`,
      // The verification mail asked for in the same statement (settle's save) counts as the account's last mail.
      lastMailRequestedAt: sql`case when ${v.mailRequested} then now() end`,
    },
    sql`${v.record}`,
  );
  return sql`new_user as (${newUser} on conflict (email_normalized) do nothing returning id),
    registered as (${outboxSlotsWhere(v, "registered", inserted)}),
    registered_audit as (${auditInsertWhere(
      { actor: "public", action: "user.registered", userId: v.newUserId, correlationId: v.correlationId, eventId: v.registeredId, data: v.registeredAudit },
      inserted,
    )}),
    proved as (${outboxSlotsWhere(v, "proved", provedAndInserted)}),
    proved_audit as (${auditInsertWhere(
      { actor: "user", action: "user.email_verified", userId: v.newUserId, correlationId: v.correlationId, eventId: v.provedId, data: v.provedAudit },
      provedAndInserted,
    )})`;
}

/**
 * recordUserCtes' values for this row; `record` says whether the account is written, `mailRequested`
 * whether the same statement asks for its verification mail.
 */
export function recordUserValues(
  row: SignUpRow,
  { record, mailRequested }: { record: boolean; mailRequested: boolean },
  meta: { requestId: string },
): Record<RecordUserSlot, unknown> {
  const userId = randomUUID();
  const verified = row.emailVerifiedAt !== null;
  const correlation = { correlationId: row.correlationId };
  return {
    newUserId: userId,
    record,
    verified,
    email: row.emailAddress ?? "",
    emailNormalized: row.emailNormalized ?? "",
    username: row.username,
    firstName: row.firstName,
    lastName: row.lastName,
    passwordHash: row.passwordHash,
    metadata: row.unsafeMetadata,
    status: verified ? "active" : "pending",
    mailRequested,
    correlationId: row.correlationId,
    registeredAudit: { signUpId: row.id },
    provedAudit: { requestId: meta.requestId, signUpId: row.id, method: "sign_up" },
    ...eventValues("registered", UserRegistered.create({ userId }, correlation)),
    ...eventValues("proved", EmailVerified.create({ userId }, correlation)),
  };
}

/** A pending account's profile follows its own sign-up's later changes, until it is verified. */
export async function copyProfileToUser(tx: Executor, row: SignUpRow): Promise<void> {
  if (!row.ownsUser || !row.userId) return;
  await tx.execute(sql`
    update ${users} set username = ${row.username}, first_name = ${row.firstName}, last_name = ${row.lastName},
      password_hash = ${row.passwordHash}, metadata = ${JSON.stringify(row.unsafeMetadata)}::jsonb, updated_at = now()
    where id = ${row.userId} and status = 'pending'`);
}
