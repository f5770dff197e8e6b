import { randomUUID } from "node:crypto";
import { appendAudit, type Database, enqueueAuditedEvent, eq, normalizeEmail, users } from "@signup/db";
import { SignUpAttemptExisting, UserRegistered } from "@signup/contracts";
import { HttpError } from "../http-error.ts";
import { byUserId, claimMailSlot } from "./mail-throttle.ts";
import type { RegisterInput } from "./register-schema.ts";

const UNIQUE_VIOLATION = "23505";

/**
 * Records the sign-up and its event in ONE transaction: either both exist or neither does, so an
 * accepted sign-up cannot be lost between Postgres and the queue. An address that is already known
 * gets the same outward result; its owner is told by mail instead.
 */
export async function registerUser(
  db: Database,
  input: Omit<RegisterInput, "password"> & { passwordHash?: string },
  meta: { correlationId: string; mailCooldownMs: number },
): Promise<{ userId: string; created: boolean }> {
  const emailNormalized = normalizeEmail(input.email);
  try {
    return await db.transaction(async (tx) => {
      const inserted = await tx
        .insert(users)
        .values({
          id: randomUUID(),
          email: input.email,
          emailNormalized,
          username: input.username ?? null,
          firstName: input.firstName ?? null,
          lastName: input.lastName ?? null,
          passwordHash: input.passwordHash ?? null,
          metadata: input.metadata ?? {},
          correlationId: meta.correlationId,
          lastMailRequestedAt: new Date(),
        })
        .onConflictDoNothing({ target: users.emailNormalized })
        .returning({ id: users.id });

      const created = inserted[0];
      const userId = created?.id ?? (await tx.select({ id: users.id }).from(users).where(eq(users.emailNormalized, emailNormalized)))[0]?.id;
      if (!userId) throw new Error("user vanished inside its own transaction");

      if (created) {
        await enqueueAuditedEvent(tx, UserRegistered.create({ userId }, meta), { actor: "public", action: "user.registered", userId });
      } else if (await claimMailSlot(tx, byUserId(userId), meta.mailCooldownMs)) {
        // Repeated sign-ups for one address mail its owner at most once per cooldown.
        await enqueueAuditedEvent(tx, SignUpAttemptExisting.create({ userId }, meta), { actor: "public", action: "user.signup_attempt_existing", userId });
      } else {
        await appendAudit(tx, { actor: "public", action: "user.signup_attempt_throttled", userId, correlationId: meta.correlationId });
      }
      return { userId, created: Boolean(created) };
    });
  } catch (error) {
    if ((error as { code?: string }).code === UNIQUE_VIOLATION && String((error as { constraint_name?: string }).constraint_name).includes("username")) {
      throw new HttpError(409, "username_taken", "That username is taken; choose another.");
    }
    throw error;
  }
}
