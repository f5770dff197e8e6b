import { randomUUID } from "node:crypto";
import { EmailVerified, UserRegistered } from "@signup/contracts";
import { auditInsertWhere, type Executor, insertRowWhere, outboxInsertWhere, sql, type SQL, users } from "@signup/db";
import type { SignUpRow } from "./fields.ts";

/**
 * The statements that record a sign-up's account, as CTEs for settle's one statement: the user
 * (ON CONFLICT: a concurrent sign-up may take the address first), UserRegistered with its audit
 * entry, and for an address proved before the last field arrived, EmailVerified too. UserRegistered
 * is written here and nowhere else, so once per account. Every insert is guarded by `record`, a
 * parameter: the same SQL runs whether or not an account is recorded (a taken address included),
 * so neither the statement count nor its text tells the two apart.
 */
export function recordUserCtes(row: SignUpRow, record: boolean, meta: { requestId: string }): SQL {
  const userId = randomUUID();
  const verified = row.emailVerifiedAt !== null;
  const correlation = { correlationId: row.correlationId };
  const registered = UserRegistered.create({ userId }, correlation);
  const proved = EmailVerified.create({ userId }, correlation);
  const inserted = sql`exists (select 1 from new_user)`;
  const provedAndInserted = sql`${verified} and exists (select 1 from new_user)`;
  const newUser = insertRowWhere(
    users,
    {
      id: userId,
      email: row.emailAddress ?? "",
      emailNormalized: row.emailNormalized ?? "",
      username: row.username,
      firstName: row.firstName,
      lastName: row.lastName,
      passwordHash: row.passwordHash,
      metadata: row.unsafeMetadata,
      correlationId: row.correlationId,
      status: verified ? "active" : "pending",
      emailVerifiedAt: verified ? sql`now()` : null,
    },
    sql`${record}`,
  );
  return sql`new_user as (${newUser} on conflict (email_normalized) do nothing returning id),
    registered as (${outboxInsertWhere(registered, inserted)}),
    registered_audit as (${auditInsertWhere({ actor: "public", action: "user.registered", userId, correlationId: row.correlationId, eventId: registered.id, data: { signUpId: row.id } }, inserted)}),
    proved as (${outboxInsertWhere(proved, provedAndInserted)}),
    proved_audit as (${auditInsertWhere(
      {
        actor: "user",
        action: "user.email_verified",
        userId,
        correlationId: row.correlationId,
        eventId: proved.id,
        data: { requestId: meta.requestId, signUpId: row.id, method: "sign_up" },
      },
      provedAndInserted,
    )})`;
}

/** A pending account's profile follows its own sign-up's later changes, until it is verified. */
export async function copyProfileToUser(tx: Executor, row: SignUpRow): Promise<void> {
  if (!row.ownsUser || !row.userId) return;
  await tx.execute(sql`
    update ${users} set username = ${row.username}, first_name = ${row.firstName}, last_name = ${row.lastName},
      password_hash = ${row.passwordHash}, metadata = ${JSON.stringify(row.unsafeMetadata)}::jsonb, updated_at = now()
    where id = ${row.userId} and status = 'pending'`);
}
