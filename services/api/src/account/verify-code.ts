import { timingSafeEqual } from "node:crypto";
import { and, type Database, desc, eq, inArray, isNotNull, normalizeEmail, sql, users, verificationTokens, retryTransient } from "@signup/db";
import { hashCode } from "@signup/tokens";
import { HttpError } from "../http-error.ts";
import { markEmailVerified } from "../sign-ups/mark-email-verified.ts";
import type { SettleContext } from "../sign-ups/settle.ts";

export const maxCodeAttempts = 5;

const failures = {
  token_invalid: new HttpError(400, "token_invalid", "That code is not right. Check the latest mail and try again."),
  token_expired: new HttpError(410, "token_expired", "That code has expired; ask for a new mail."),
  token_used: new HttpError(410, "token_used", "That code was already used."),
  too_many_attempts: new HttpError(429, "too_many_attempts", "Too many wrong codes; ask for a new mail."),
} as const;
type Outcome = "verified" | keyof typeof failures;

const sameHash = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Verifies by the typed code. Any live code of the user's may match (an earlier mail's code stays
 * good until it expires); each wrong try counts against every live code, and five wrong tries
 * kill them, so guessing a 6-digit code is hopeless. The wrong-try count is committed even though
 * the request fails, which is why failures are returned from the transaction, not thrown in it.
 */
export async function consumeCode(db: Database, email: string, code: string, ctx: SettleContext): Promise<void> {
  const outcome = await retryTransient(() =>
    db.transaction(async (tx): Promise<Outcome> => {
      const [user] = await tx
        .select({ id: users.id })
        .from(users)
        .where(eq(users.emailNormalized, normalizeEmail(email)));
      if (!user) return "token_invalid";
      const tokens = await tx
        .select()
        .from(verificationTokens)
        .where(and(eq(verificationTokens.userId, user.id), isNotNull(verificationTokens.codeHash)))
        .orderBy(desc(verificationTokens.createdAt))
        .for("update");
      if (tokens.length === 0) return "token_invalid";
      const live = tokens.filter((t) => !t.usedAt && t.expiresAt.getTime() > Date.now());
      if (live.length === 0) return tokens[0]!.usedAt ? "token_used" : "token_expired";
      const open = live.filter((t) => t.attempts < maxCodeAttempts);
      if (open.length === 0) return "too_many_attempts";

      // A sign-up's code is hashed with the sign-up id (its account may not exist yet), others with the user id.
      const match = open.find((t) => sameHash(t.codeHash!, hashCode(t.signUpId ?? user.id, code)));
      if (!match) {
        await tx
          .update(verificationTokens)
          .set({ attempts: sql`${verificationTokens.attempts} + 1` })
          .where(
            inArray(
              verificationTokens.id,
              open.map((t) => t.id),
            ),
          );
        return "token_invalid";
      }
      await tx.update(verificationTokens).set({ usedAt: sql`now()` }).where(eq(verificationTokens.id, match.id));
      await markEmailVerified(tx, { userId: user.id, signUpId: match.signUpId }, { ...ctx, method: "code" });
      return "verified";
    }),
  );
  if (outcome !== "verified") throw failures[outcome];
}
