import { type Executor, type Placeholder, rowFrom, type SQL, signUps, sql, statement } from "@signup/db";
import { activateUser } from "../account/activate-user.ts";
import type { SignUpRow } from "./fields.ts";
import { ownerLookup, settle, type SettleContext } from "./settle.ts";

/**
 * The sign-up's address proved, as CTEs: `verified` (the row, updated) and `owner` (who holds its
 * address, settle's first question), for a statement that reads them back with `verifiedColumns`.
 * Whoever owns the address, the statements are the same.
 */
export const verifiedAddressCtes = (signUpId: SQL | Placeholder): SQL => sql`
  verified as (update ${signUps} set email_verified_at = coalesce(email_verified_at, now()), updated_at = now() where id = ${signUpId} returning *),
  ${ownerLookup.cte(sql`(select email_normalized from verified)`)}`;
export const verifiedColumns = sql`verified.*, ${ownerLookup.columns}`;

const verifyAddress = statement(["signUpId"], (v) => sql`with ${verifiedAddressCtes(v.signUpId)} select ${verifiedColumns} from verified`);

/**
 * A link or code was spent (inside the caller's transaction). A token of a sign-up verifies that
 * sign-up's address and lets it settle (record, activate, complete as far as it can); a token of
 * an account alone (mails sent before sign-ups existed) activates that account as before.
 * `verified`: the caller already ran verifiedAddressCtes in its own statement and passes its row.
 */
export async function markEmailVerified(
  tx: Executor,
  spent: { userId: string | null; signUpId: string | null },
  ctx: SettleContext & { method: "link" | "code" },
  verified?: Record<string, unknown>,
): Promise<SignUpRow | null> {
  if (spent.signUpId) {
    const raw = verified ?? (await verifyAddress(tx, { signUpId: spent.signUpId }))[0];
    if (raw) return settle(tx, rowFrom(signUps, raw), ctx, { proved: true, owner: ownerLookup.read(raw) });
  }
  if (spent.userId) await activateUser(tx, spent.userId, { requestId: ctx.requestId, method: ctx.method });
  return null;
}
