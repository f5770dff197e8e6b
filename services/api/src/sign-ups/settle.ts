import { appendAudit, eq, type Executor, signUps, sql, users } from "@signup/db";
import type { SignupFields } from "../account/signup-fields.ts";
import { activateUser } from "../account/activate-user.ts";
import { missingFields, type SignUpRow } from "./fields.ts";
import { recordUser } from "./record-user.ts";

export type SettleContext = { fields: SignupFields; requestId: string };

/**
 * Brings a sign-up's derived state up to date after any change, inside the caller's transaction:
 * 1. who owns the address (a verified account makes it "taken"; a pending one is continued),
 * 2. the account recorded once every required field is there,
 * 3. completion once the address is verified: the account becomes active and the sign-up complete.
 * Every public answer reads the row this returns, and nothing in it depends on whether the address
 * was taken except columns no answer shows.
 */
export async function settle(tx: Executor, row: SignUpRow, ctx: SettleContext): Promise<SignUpRow> {
  if (row.status !== "missing_requirements") return row;
  let next = row;

  if (next.emailNormalized && !next.ownsUser) next = { ...next, ...(await addressOwner(tx, next.emailNormalized)) };
  if (next.phoneNumber) next = { ...next, phoneTaken: await phoneHeldByAnother(tx, next.phoneNumber, next.userId) };

  const ready = missingFields(next, ctx.fields).length === 0;
  if (ready && !next.userId && !next.emailTaken) {
    const userId = await recordUser(tx, next, { requestId: ctx.requestId });
    next = userId ? { ...next, userId, ownsUser: true } : { ...next, ...(await addressOwner(tx, next.emailNormalized!)) };
  }

  const proved = next.emailVerifiedAt !== null && (next.phoneNumber === null || next.phoneVerifiedAt !== null);
  if (ready && proved && next.userId && !next.emailTaken && !next.phoneTaken) {
    // The person behind this sign-up proved the address: its account (its own, or a pending one
    // it continues) becomes active, and EmailVerified is written if it was not yet.
    await activateUser(tx, next.userId, { requestId: ctx.requestId, method: "sign_up" });
    // A number joins the account only once proved, so a pending sign-up never blocks it for another.
    if (next.phoneNumber) await tx.update(users).set({ phoneNumber: next.phoneNumber }).where(eq(users.id, next.userId));
    next = { ...next, status: "complete", completedAt: new Date() };
    await appendAudit(tx, { actor: "user", action: "sign_up.completed", userId: next.userId, correlationId: next.correlationId, data: { signUpId: next.id } });
  }

  const [saved] = await tx
    .update(signUps)
    .set({
      userId: next.userId,
      ownsUser: next.ownsUser,
      emailTaken: next.emailTaken,
      phoneTaken: next.phoneTaken,
      status: next.status,
      completedAt: next.status === "complete" ? sql`now()` : null,
      updatedAt: sql`now()`,
    })
    .where(eq(signUps.id, next.id))
    .returning();
  return saved ?? next;
}

async function phoneHeldByAnother(tx: Executor, phoneNumber: string, ownUserId: string | null): Promise<boolean> {
  const [holder] = await tx.select({ id: users.id }).from(users).where(eq(users.phoneNumber, phoneNumber));
  return holder !== undefined && holder.id !== ownUserId;
}

async function addressOwner(tx: Executor, emailNormalized: string): Promise<Pick<SignUpRow, "userId" | "emailTaken">> {
  const [owner] = await tx.select({ id: users.id, status: users.status }).from(users).where(eq(users.emailNormalized, emailNormalized));
  return { userId: owner?.id ?? null, emailTaken: owner?.status === "active" };
}
