import type { EventOf } from "@signup/contracts";
import { and, claimEvent, type Database, eq, gt, invites, sql, users } from "@signup/db";
import type { HandlerResult } from "@signup/queue";
import { ONBOARDING } from "./onboard-user.ts";
import { joinTeams } from "./join-teams.ts";

type Event = EventOf<"InviteCreated">;

/**
 * An invite for an address whose owner has already verified it: nothing else would ever consume
 * it, so it is applied now. For an unknown or pending address it is left for EmailVerified.
 */
export async function applyInvite(event: Event, deps: { db: Database }): Promise<HandlerResult> {
  return deps.db.transaction(async (tx) => {
    if (!(await claimEvent(tx, ONBOARDING, event.id))) return { outcome: "skipped", reason: "already_processed" };
    const [owner] = await tx
      .select({ userId: users.id })
      .from(invites)
      .innerJoin(users, and(eq(users.emailNormalized, invites.emailNormalized), eq(users.status, "active")))
      .where(and(eq(invites.id, event.data.inviteId), gt(invites.expiresAt, sql`now()`)));
    if (!owner) return { outcome: "skipped", reason: "no_verified_owner_yet" };

    const consumed = await tx.delete(invites).where(eq(invites.id, event.data.inviteId)).returning();
    const base = { actor: "onboarding", userId: owner.userId, correlationId: event.correlationId, eventId: event.id };
    const teamsJoined = await joinTeams(tx, owner.userId, consumed, base);
    return { outcome: "done", teamsJoined };
  });
}
