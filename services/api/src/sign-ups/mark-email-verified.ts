import { eq, type Executor, rowFrom, signUps, sql, statement } from "@signup/db";
import { activateUser } from "../account/activate-user.ts";
import type { SignUpRow } from "./fields.ts";
import { settle, type SettleContext } from "./settle.ts";

const verifyAddress = statement(["signUpId"], (v, db) =>
  db
    .update(signUps)
    .set({ emailVerifiedAt: sql`coalesce(${signUps.emailVerifiedAt}, now())`, updatedAt: sql`now()` })
    .where(eq(signUps.id, v.signUpId))
    .returning()
    .getSQL(),
);

/**
 * A link or code was spent (inside the caller's transaction). A token of a sign-up verifies that
 * sign-up's address and lets it settle (record, activate, complete as far as it can); a token of
 * an account alone (mails sent before sign-ups existed) activates that account as before.
 */
export async function markEmailVerified(
  tx: Executor,
  spent: { userId: string | null; signUpId: string | null },
  ctx: SettleContext & { method: "link" | "code" },
): Promise<SignUpRow | null> {
  if (spent.signUpId) {
    const [raw] = await verifyAddress(tx, { signUpId: spent.signUpId });
    if (raw) return settle(tx, rowFrom(signUps, raw), ctx, { proved: true });
  }
  if (spent.userId) await activateUser(tx, spent.userId, { requestId: ctx.requestId, method: ctx.method });
  return null;
}
