import { and, appendAudit, type AuditEntry, claimEvent, type Database, enqueueEvent, eq, gt, invites, sql, teamMembers, users } from "@signup/db";
import { InviteAccepted, type EmailVerified } from "@signup/contracts";
import type { HandlerResult } from "@signup/queue";

type Event = ReturnType<typeof EmailVerified.parse>;
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

    const audit: AuditEntry[] = [];
    const base = { actor: "onboarding", userId: user.id, correlationId: event.correlationId, eventId: event.id };
    for (const invite of pending) {
      const joined = await tx
        .insert(teamMembers)
        .values({ teamId: invite.teamId, userId: user.id, role: invite.role })
        .onConflictDoNothing()
        .returning({ teamId: teamMembers.teamId });
      if (joined.length > 0) {
        audit.push({ ...base, action: "team.member_joined", teamId: invite.teamId, data: { role: invite.role, inviteId: invite.id } });
        await enqueueEvent(tx, InviteAccepted.create({ userId: user.id, teamId: invite.teamId, inviteId: invite.id }, { correlationId: event.correlationId }));
      }
      audit.push({ ...base, action: "invite.consumed", teamId: invite.teamId, data: { inviteId: invite.id } });
    }
    audit.push({ ...base, action: "user.onboarded", data: { teamsJoined: pending.length } });
    await appendAudit(tx, audit);
    return { outcome: "done", teamsJoined: pending.length };
  });
}
