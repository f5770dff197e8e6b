import { timingSafeEqual } from "node:crypto";
import { and, eq, type Executor, gt, isNull, signUps, sql, verificationTokens } from "@signup/db";
import { hashCode } from "@signup/tokens";
import { maxCodeAttempts } from "../account/verify-code.ts";
import { HttpError } from "../http-error.ts";
import type { SignUpRow } from "./fields.ts";
import { settle, type SettleContext } from "./settle.ts";

const failures = {
  verification_failed: new HttpError(422, "verification_failed", "That code is not right. Check the latest mail and try again."),
  verification_expired: new HttpError(422, "verification_expired", "That code has expired; ask for a new one."),
  too_many_attempts: new HttpError(422, "too_many_attempts", "Too many wrong codes; ask for a new one."),
} as const;

export type AttemptOutcome = { row: SignUpRow; failure?: keyof typeof failures };

export const attemptFailure = (failure: keyof typeof failures) => failures[failure];

const sameHash = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Checks a typed code against the sign-up's live codes (hashed with the sign-up id). The attempt
 * counter lives on the sign-up and counts every try the same way whoever owns the address (a taken
 * address has no code, so it can never verify); the count must be committed even when the answer
 * is a failure, so failures are returned, not thrown. Call on a row locked FOR UPDATE.
 */
export async function attemptEmailCode(tx: Executor, row: SignUpRow, code: string, ctx: SettleContext): Promise<AttemptOutcome> {
  if (row.status !== "missing_requirements" || row.emailVerifiedAt) return { row };
  if (!row.emailStrategy) throw new HttpError(400, "verification_not_prepared", "Ask for the verification mail first (prepare-verification).");
  if (row.emailAttempts >= maxCodeAttempts) return { row, failure: "too_many_attempts" };
  if (row.emailExpireAt && row.emailExpireAt.getTime() <= Date.now()) return { row, failure: "verification_expired" };

  const live = await tx
    .select({ id: verificationTokens.id, codeHash: verificationTokens.codeHash })
    .from(verificationTokens)
    .where(and(eq(verificationTokens.signUpId, row.id), isNull(verificationTokens.usedAt), gt(verificationTokens.expiresAt, sql`now()`)));
  const expected = hashCode(row.id, code);
  const match = live.find((token) => token.codeHash !== null && sameHash(token.codeHash, expected));

  const [counted] = await tx
    .update(signUps)
    .set({ emailAttempts: sql`${signUps.emailAttempts} + 1`, ...(match ? { emailVerifiedAt: sql`now()` } : {}), updatedAt: sql`now()` })
    .where(eq(signUps.id, row.id))
    .returning();
  if (!counted) throw new Error("sign-up vanished during a verification attempt");
  if (!match) return { row: counted, failure: "verification_failed" };
  await tx.update(verificationTokens).set({ usedAt: sql`now()` }).where(eq(verificationTokens.id, match.id));
  return { row: await settle(tx, counted, ctx) };
}
