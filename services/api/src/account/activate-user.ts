import { auditInsertWhere, eq, type Executor, outboxInsertWhere, sql, type SQL, users, verificationTokens } from "@signup/db";
import { EmailVerified } from "@signup/contracts";

type ActivationMeta = { requestId: string; method: "link" | "code" | "sign_up" };

/**
 * CTEs for a statement that spent a token (by link or by code) or completed a sign-up: the user
 * becomes active, and only if it was pending, an EmailVerified event is written under the user's
 * own correlation id with its audit entry; every other link or code still in the user's mailbox is
 * spent too. As CTEs, they join the caller's statement instead of costing four round trips.
 */
export function activationCtes(user: { id: string; correlationId: string }, meta: ActivationMeta): SQL {
  const event = EmailVerified.create({ userId: user.id }, { correlationId: user.correlationId });
  const activated = sql`exists (select 1 from activated)`;
  return sql`activated as (
      update ${users} set status = 'active', email_verified_at = now(), updated_at = now()
      where id = ${user.id} and status = 'pending' returning id
    ),
    verified_event as (${outboxInsertWhere(event, activated)}),
    verified_audit as (${auditInsertWhere(
      {
        actor: "user",
        action: "user.email_verified",
        userId: user.id,
        correlationId: user.correlationId,
        eventId: event.id,
        data: { requestId: meta.requestId, method: meta.method },
      },
      activated,
    )}),
    spent_others as (update ${verificationTokens} set used_at = now() where user_id = ${user.id} and used_at is null)`;
}

/** The user's correlation id, which its EmailVerified event carries (undefined: no such user). */
export async function correlationOf(tx: Executor, userId: string): Promise<string | undefined> {
  const [user] = await tx.select({ correlationId: users.correlationId }).from(users).where(eq(users.id, userId));
  return user?.correlationId;
}

/** Inside the transaction that spent an account's own token: activationCtes as a statement of its own. */
export async function activateUser(tx: Executor, userId: string, meta: ActivationMeta): Promise<void> {
  const correlationId = await correlationOf(tx, userId);
  if (correlationId === undefined) return;
  await tx.execute(sql`with ${activationCtes({ id: userId, correlationId }, meta)} select 1`);
}
