import { and, enqueueAuditedEvent, eq, type Executor, isNull, sql, users, verificationTokens } from "@signup/db";
import { EmailVerified } from "@signup/contracts";

/**
 * Inside the transaction that spent a token (by link or by code): the user becomes active, an
 * EmailVerified event is written under the sign-up's correlation id, and every other link or code
 * still in the user's mailbox is spent too.
 */
export async function activateUser(tx: Executor, userId: string, meta: { requestId: string; method: "link" | "code" | "sign_up" }): Promise<void> {
  const [user] = await tx
    .update(users)
    .set({ status: "active", emailVerifiedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(users.id, userId), eq(users.status, "pending")))
    .returning({ id: users.id, correlationId: users.correlationId });
  if (user) {
    await enqueueAuditedEvent(tx, EmailVerified.create({ userId: user.id }, { correlationId: user.correlationId }), {
      actor: "user",
      action: "user.email_verified",
      userId: user.id,
      data: { requestId: meta.requestId, method: meta.method },
    });
  }
  await tx
    .update(verificationTokens)
    .set({ usedAt: sql`now()` })
    .where(and(eq(verificationTokens.userId, userId), isNull(verificationTokens.usedAt)));
}
