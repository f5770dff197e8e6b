import { randomUUID } from "node:crypto";
import { EmailVerified, UserRegistered } from "@signup/contracts";
import { enqueueAuditedEvent, type Executor, sql, users } from "@signup/db";
import type { SignUpRow } from "./fields.ts";

/**
 * Records the account of a sign-up that has every required field: UserRegistered is written here
 * and nowhere else, so it happens once per account. A sign-up that already proved its address
 * records an active user (and EmailVerified) in the same step. Undefined when a concurrent sign-up
 * took the address first (ON CONFLICT), so the caller binds to that account instead.
 */
export async function recordUser(tx: Executor, row: SignUpRow, meta: { requestId: string }): Promise<string | undefined> {
  const userId = randomUUID();
  const verified = row.emailVerifiedAt !== null;
  const [created] = await tx
    .insert(users)
    .values({
      id: userId,
      email: row.emailAddress!,
      emailNormalized: row.emailNormalized!,
      username: row.username,
      firstName: row.firstName,
      lastName: row.lastName,
      passwordHash: row.passwordHash,
      metadata: row.unsafeMetadata,
      correlationId: row.correlationId,
      status: verified ? "active" : "pending",
      emailVerifiedAt: verified ? sql`now()` : null,
    })
    .onConflictDoNothing({ target: users.emailNormalized })
    .returning({ id: users.id });
  if (!created) return undefined;
  const meta0 = { correlationId: row.correlationId };
  await enqueueAuditedEvent(tx, UserRegistered.create({ userId }, meta0), { actor: "public", action: "user.registered", userId, data: { signUpId: row.id } });
  if (verified) {
    await enqueueAuditedEvent(tx, EmailVerified.create({ userId }, meta0), {
      actor: "user",
      action: "user.email_verified",
      userId,
      data: { requestId: meta.requestId, signUpId: row.id, method: "sign_up" },
    });
  }
  return userId;
}

/** A pending account's profile follows its own sign-up's later changes, until it is verified. */
export async function copyProfileToUser(tx: Executor, row: SignUpRow): Promise<void> {
  if (!row.ownsUser || !row.userId) return;
  await tx.execute(sql`
    update ${users} set username = ${row.username}, first_name = ${row.firstName}, last_name = ${row.lastName},
      password_hash = ${row.passwordHash}, metadata = ${JSON.stringify(row.unsafeMetadata)}::jsonb, updated_at = now()
    where id = ${row.userId} and status = 'pending'`);
}

