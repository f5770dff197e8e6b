import { timingSafeEqual } from "node:crypto";
import { and, eq, type Executor, gt, isNull, phoneCodes, signUps, sql, verificationTokens } from "@signup/db";
import { hashCode } from "@signup/tokens";
import { maxCodeAttempts } from "../account/verify-code.ts";
import { HttpError } from "../http-error.ts";
import type { SignUpRow } from "./fields.ts";
import { settle, type SettleContext } from "./settle.ts";

const failures = {
  verification_failed: new HttpError(422, "verification_failed", "That code is not right. Check the latest message and try again."),
  verification_expired: new HttpError(422, "verification_expired", "That code has expired; ask for a new one."),
  too_many_attempts: new HttpError(422, "too_many_attempts", "Too many wrong codes; ask for a new one."),
} as const;

export type AttemptOutcome = { row: SignUpRow; failure?: keyof typeof failures };

export const attemptFailure = (failure: keyof typeof failures) => failures[failure];

const sameHash = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** What differs between proving the address and proving the number: the columns and the code table. */
const channels = {
  email_code: {
    state: (row: SignUpRow) => ({
      prepared: row.emailStrategy !== null,
      verifiedAt: row.emailVerifiedAt,
      attempts: row.emailAttempts,
      expireAt: row.emailExpireAt,
    }),
    attempts: signUps.emailAttempts,
    verifiedColumn: "emailVerifiedAt",
    attemptsColumn: "emailAttempts",
    liveCodes: (tx: Executor, id: string) =>
      tx
        .select({ id: verificationTokens.id, codeHash: verificationTokens.codeHash })
        .from(verificationTokens)
        .where(and(eq(verificationTokens.signUpId, id), isNull(verificationTokens.usedAt), gt(verificationTokens.expiresAt, sql`now()`))),
    spend: (tx: Executor, codeId: string) => tx.update(verificationTokens).set({ usedAt: sql`now()` }).where(eq(verificationTokens.id, codeId)),
  },
  phone_code: {
    state: (row: SignUpRow) => ({
      prepared: row.phonePreparedAt !== null,
      verifiedAt: row.phoneVerifiedAt,
      attempts: row.phoneAttempts,
      expireAt: row.phoneExpireAt,
    }),
    attempts: signUps.phoneAttempts,
    verifiedColumn: "phoneVerifiedAt",
    attemptsColumn: "phoneAttempts",
    liveCodes: (tx: Executor, id: string) =>
      tx
        .select({ id: phoneCodes.id, codeHash: phoneCodes.codeHash })
        .from(phoneCodes)
        .where(and(eq(phoneCodes.signUpId, id), isNull(phoneCodes.usedAt), gt(phoneCodes.expiresAt, sql`now()`))),
    spend: (tx: Executor, codeId: string) => tx.update(phoneCodes).set({ usedAt: sql`now()` }).where(eq(phoneCodes.id, codeId)),
  },
} as const;

export type CodeStrategy = keyof typeof channels;

/**
 * Checks a typed code against the sign-up's live codes for that channel (hashed with the sign-up
 * id). The attempt counter lives on the sign-up and counts every try the same way whoever owns the
 * address or number (a taken one never gets a code, so it can never verify); the count must be
 * committed even when the answer is a failure, so failures are returned, not thrown. Call on a row
 * locked FOR UPDATE.
 */
export async function attemptCode(tx: Executor, row: SignUpRow, strategy: CodeStrategy, code: string, ctx: SettleContext): Promise<AttemptOutcome> {
  const channel = channels[strategy];
  const state = channel.state(row);
  if (row.status !== "missing_requirements" || state.verifiedAt) return { row };
  if (!state.prepared) throw new HttpError(400, "verification_not_prepared", "Ask for the code first (prepare-verification).");
  if (state.attempts >= maxCodeAttempts) return { row, failure: "too_many_attempts" };
  if (state.expireAt && state.expireAt.getTime() <= Date.now()) return { row, failure: "verification_expired" };

  const expected = hashCode(row.id, code);
  const match = (await channel.liveCodes(tx, row.id)).find((candidate) => candidate.codeHash !== null && sameHash(candidate.codeHash, expected));
  const [counted] = await tx
    .update(signUps)
    .set({ [channel.attemptsColumn]: sql`${channel.attempts} + 1`, ...(match ? { [channel.verifiedColumn]: sql`now()` } : {}), updatedAt: sql`now()` })
    .where(eq(signUps.id, row.id))
    .returning();
  if (!counted) throw new Error("sign-up vanished during a verification attempt");
  if (!match) return { row: counted, failure: "verification_failed" };
  await channel.spend(tx, match.id);
  return { row: await settle(tx, counted, ctx) };
}
