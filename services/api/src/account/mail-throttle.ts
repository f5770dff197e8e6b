import { and, type Executor, isNull, lt, or, sql, type SQL, users } from "@signup/db";

/**
 * Claims the right to queue one more mail to this user: true at most once per cooldown, decided by
 * a single guarded UPDATE so concurrent requests cannot both win.
 */
export async function claimMailSlot(tx: Executor, where: SQL, cooldownMs: number): Promise<{ id: string; correlationId: string } | undefined> {
  const [row] = await tx
    .update(users)
    .set({ lastMailRequestedAt: sql`now()` })
    .where(
      and(
        where,
        or(isNull(users.lastMailRequestedAt), lt(users.lastMailRequestedAt, sql`now() - make_interval(secs => ${cooldownMs / 1_000})`)),
      ),
    )
    .returning({ id: users.id, correlationId: users.correlationId });
  return row;
}
