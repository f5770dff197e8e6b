import type { EventOf } from "@signup/contracts";
import { and, appendAudit, claimEvent, type Database, eq, gt, invites, sql, users } from "@signup/db";
import type { HandlerResult } from "@signup/queue";
import { joinTeams } from "./join-teams.ts";

type Event = EventOf<"EmailVerified">;
export const ONBOARDING = "onboarding";

/**
 * For each pending invite of the verified address: join the team, delete the invite, audit both,
 * and queue the "you joined" mail (through the outbox, so it is sent if and only if this commits).
 * All in one transaction that also records the event as processed, so a replay (or a duplicate
 * delivered to a second worker) finds the inbox row and changes nothing.
 */
export async function onboardUser(event: Event, deps: { db: Database }): Promise<HandlerResult> {
  return deps.db.transaction(async (tx) => {
    if (!(await claimEvent(tx, ONBOARDING, event.id))) return { outcome: "skipped", reason: "already_processed" };
    const [user] = await tx.select().from(users).where(eq(users.id, event.data.userId));
    if (!user) return { outcome: "skipped", reason: "user_not_found" };

    const pending = await tx
      .delete(invites)
      .where(and(eq(invites.emailNormalized, user.emailNormalized), gt(invites.expiresAt, sql`now()`)))
      .returning();
    const base = { actor: "onboarding", userId: user.id, correlationId: event.correlationId, eventId: event.id };
    await joinTeams(tx, user.id, pending, base);
    await appendAudit(tx, { ...base, action: "user.onboarded", data: { teamsJoined: pending.length } });
    return { outcome: "done", teamsJoined: pending.length };
  });
}
