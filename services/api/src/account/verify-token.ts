import { and, type Database, eq, gt, isNull, retryTransient, sql, statement, verificationTokens } from "@signup/db";
import { hashToken } from "@signup/tokens";
import { HttpError } from "../http-error.ts";
import type { SignUpRow } from "../sign-ups/fields.ts";
import { markEmailVerified, verifiedAddressCtes, verifiedColumns } from "../sign-ups/mark-email-verified.ts";
import type { SettleContext } from "../sign-ups/settle.ts";

export type TokenState = "valid" | "token_invalid" | "token_expired" | "token_used";

const failures: Record<Exclude<TokenState, "valid">, HttpError> = {
  token_invalid: new HttpError(404, "token_invalid", "This verification link is not valid."),
  token_expired: new HttpError(410, "token_expired", "This verification link has expired; ask for a new one."),
  token_used: new HttpError(410, "token_used", "This verification link was already used."),
};

export type TokenFailure = keyof typeof failures;

export function tokenFailure(state: Exclude<TokenState, "valid">): HttpError {
  return failures[state];
}

/** Read-only: what a GET of the link may know. */
export async function inspectToken(db: Database, token: string): Promise<TokenState> {
  const [row] = await db
    .select({ usedAt: verificationTokens.usedAt, expiresAt: verificationTokens.expiresAt })
    .from(verificationTokens)
    .where(eq(verificationTokens.tokenHash, hashToken(token)));
  if (!row) return "token_invalid";
  if (row.usedAt) return "token_used";
  if (row.expiresAt.getTime() <= Date.now()) return "token_expired";
  return "valid";
}

/**
 * Spends the token and, for a sign-up's token, proves its address and looks up its owner, in one
 * statement (the first round trip of the verify is also its only read). `used_at IS NULL` in the
 * UPDATE is the single-use guarantee: of two concurrent POSTs only one row update wins.
 */
const spendToken = statement(["tokenHash"], (v, db) => {
  const spent = db
    .update(verificationTokens)
    .set({ usedAt: sql`now()` })
    .where(and(eq(verificationTokens.tokenHash, v.tokenHash), isNull(verificationTokens.usedAt), gt(verificationTokens.expiresAt, sql`now()`)))
    .returning({ userId: verificationTokens.userId, signUpId: verificationTokens.signUpId })
    .getSQL();
  return sql`with spent as (${spent}), ${verifiedAddressCtes(sql`(select sign_up_id from spent)`)}
    select spent.user_id as spent_user_id, spent.sign_up_id as spent_sign_up_id, ${verifiedColumns} from spent left join verified on true`;
});

/** Spends the token and verifies the user in one transaction. */
export async function consumeToken(db: Database, token: string, ctx: SettleContext): Promise<{ signUp: SignUpRow | null }> {
  const tokenHash = hashToken(token);
  const outcome = await retryTransient(() =>
    db.transaction(async (tx) => {
      const [row] = await spendToken(tx, { tokenHash });
      if (!row) return undefined;
      const spent = { userId: row.spent_user_id as string | null, signUpId: row.spent_sign_up_id as string | null };
      return { signUp: await markEmailVerified(tx, spent, { ...ctx, method: "link" }, row.id === null ? undefined : row) };
    }),
  );
  if (outcome) return outcome;
  const state = await inspectToken(db, token);
  throw tokenFailure(state === "valid" ? "token_used" : state);
}
