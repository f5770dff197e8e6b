import { and, eq, isNull, sql } from "@signup/db";
import { EmailVerified } from "@signup/contracts";
import { appendAudit, enqueueEvent, users, verificationTokens, type Executor } from "@signup/db";

/**
 * Inside the transaction that spent a token (by link or by code): the user becomes active, an
 * EmailVerified event is written under the sign-up's correlation id, and every other link or code
 * still in the user's mailbox is spent too.
 */
export async function activateUser(tx: Executor, userId: string, meta: { requestId: string; method: "link" | "code" }): Promise<void> {
  const [user] = await tx
    .update(users)
    .set({ status: "active", emailVerifiedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(users.id, userId), eq(users.status, "pending")))
    .returning({ id: users.id, correlationId: users.correlationId });
  if (user) {
    const event = EmailVerified.create({ userId: user.id }, { correlationId: user.correlationId });
    await enqueueEvent(tx, event);
    await appendAudit(tx, {
      actor: "user",
      action: "user.email_verified",
      userId: user.id,
      correlationId: user.correlationId,
      eventId: event.id,
      data: { requestId: meta.requestId, method: meta.method },
    });
  }
  await tx.update(verificationTokens).set({ usedAt: sql`now()` }).where(and(eq(verificationTokens.userId, userId), isNull(verificationTokens.usedAt)));
}
