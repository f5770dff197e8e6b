import { and, type Database, enqueueAuditedEvent, eq, normalizeEmail, users, retryTransient } from "@signup/db";
import { VerificationRequested } from "@signup/contracts";
import { claimMailSlot } from "./mail-throttle.ts";

/**
 * Queues a fresh verification mail for a pending account, at most once per cooldown. The caller
 * answers the same 202 whatever happened here, so the response says nothing about the address.
 */
export async function requestResend(db: Database, email: string, meta: { requestId: string; cooldownMs: number }): Promise<"queued" | "ignored"> {
  return retryTransient(() =>
    db.transaction(async (tx) => {
      const user = await claimMailSlot(tx, and(eq(users.emailNormalized, normalizeEmail(email)), eq(users.status, "pending"))!, meta.cooldownMs);
      if (!user) return "ignored";
      await enqueueAuditedEvent(tx, VerificationRequested.create({ userId: user.id }, { correlationId: user.correlationId }), {
        actor: "user",
        action: "verification.resend_requested",
        userId: user.id,
        data: { requestId: meta.requestId },
      });
      return "queued";
    }),
  );
}
