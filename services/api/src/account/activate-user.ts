import {
  auditInsertWhere,
  eq,
  eventSlots,
  eventValues,
  type Executor,
  outboxSlotsWhere,
  type Slots,
  sql,
  type SQL,
  statement,
  users,
  verificationTokens,
} from "@signup/db";
import { EmailVerified } from "@signup/contracts";

type ActivationMeta = { requestId: string; method: "link" | "code" | "sign_up" };

/** The slots activationCtes reads; activationValues fills them. */
export const activationSlots = ["userId", "correlationId", "verifiedAudit", ...eventSlots("verified")] as const;
type ActivationSlot = (typeof activationSlots)[number];

/**
 * CTEs for a statement that spent a token (by link or by code) or completed a sign-up: the user
 * becomes active, and only if it was pending, an EmailVerified event is written under the user's
 * own correlation id with its audit entry; every other link or code still in the user's mailbox is
 * spent too. As CTEs, they join the caller's statement instead of costing four round trips.
 */
export function activationCtes(v: Slots<ActivationSlot>): SQL {
  const activated = sql`exists (select 1 from activated)`;
  return sql`activated as (
      update ${users} set status = 'active', email_verified_at = now(), updated_at = now()
      where id = ${v.userId} and status = 'pending' returning id
    ),
    verified_event as (${outboxSlotsWhere(v, "verified", activated)}),
    verified_audit as (${auditInsertWhere(
      { actor: "user", action: "user.email_verified", userId: v.userId, correlationId: v.correlationId, eventId: v.verifiedId, data: v.verifiedAudit },
      activated,
    )}),
    spent_others as (update ${verificationTokens} set used_at = now() where user_id = ${v.userId} and used_at is null)`;
}

export function activationValues(user: { id: string; correlationId: string }, meta: ActivationMeta): Record<ActivationSlot, unknown> {
  return {
    userId: user.id,
    correlationId: user.correlationId,
    verifiedAudit: { requestId: meta.requestId, method: meta.method },
    ...eventValues("verified", EmailVerified.create({ userId: user.id }, { correlationId: user.correlationId })),
  };
}

/** The user's correlation id, which its EmailVerified event carries (undefined: no such user). */
export async function correlationOf(tx: Executor, userId: string): Promise<string | undefined> {
  const [user] = await userCorrelation(tx, { userId });
  return user?.correlation_id as string | undefined;
}

const userCorrelation = statement(["userId"], (v, db) => db.select({ correlationId: users.correlationId }).from(users).where(eq(users.id, v.userId)).getSQL());

const activate = statement(activationSlots, (v) => sql`with ${activationCtes(v)} select 1`);

/** Inside the transaction that spent an account's own token: activationCtes as a statement of its own. */
export async function activateUser(tx: Executor, userId: string, meta: ActivationMeta): Promise<void> {
  const correlationId = await correlationOf(tx, userId);
  if (correlationId === undefined) return;
  await activate(tx, activationValues({ id: userId, correlationId }, meta));
}
