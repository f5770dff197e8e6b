import { and, type Executor, isNull, lt, or, type Placeholder, sql, type SQL, users } from "@signup/db";

/**
 * The guarded UPDATE that takes one mail slot for a user: it touches a row at most once per
 * cooldown, so concurrent requests cannot both win. Unexecuted, so a caller may also run it as part
 * of a larger statement (sign-up records it inside a CTE).
 */
export function mailSlotUpdate(db: Executor, where: SQL, cooldownSeconds: number | Placeholder) {
  return db
    .update(users)
    .set({ lastMailRequestedAt: sql`now()` })
    .where(and(where, or(isNull(users.lastMailRequestedAt), lt(users.lastMailRequestedAt, sql`now() - make_interval(secs => ${cooldownSeconds})`))))
    .returning({ id: users.id, correlationId: users.correlationId });
}

/** Claims the right to queue one more mail to this user; undefined while the cooldown runs. */
export async function claimMailSlot(tx: Executor, where: SQL, cooldownMs: number): Promise<{ id: string; correlationId: string } | undefined> {
  const [row] = await mailSlotUpdate(tx, where, cooldownMs / 1_000);
  return row;
}
