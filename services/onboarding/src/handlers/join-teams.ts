import { InviteAccepted } from "@signup/contracts";
import { appendAudit, type AuditEntry, enqueueEvent, type Executor, type invites, teamMembers } from "@signup/db";

type Invite = typeof invites.$inferSelect;
type AuditBase = { actor: string; userId: string; correlationId: string; eventId: string };

/**
 * Inside the caller's transaction, for invites it has just deleted: join each team (a member
 * already there stays as is), queue the "you joined" mail through the outbox, and audit both
 * steps. Returns how many teams the user newly joined.
 */
export async function joinTeams(tx: Executor, userId: string, consumed: Invite[], base: AuditBase): Promise<number> {
  const audit: AuditEntry[] = [];
  let joinedCount = 0;
  for (const invite of consumed) {
    const joined = await tx
      .insert(teamMembers)
      .values({ teamId: invite.teamId, userId, role: invite.role })
      .onConflictDoNothing()
      .returning({ teamId: teamMembers.teamId });
    if (joined.length > 0) {
      joinedCount += 1;
      audit.push({ ...base, action: "team.member_joined", teamId: invite.teamId, data: { role: invite.role, inviteId: invite.id } });
      await enqueueEvent(tx, InviteAccepted.create({ userId, teamId: invite.teamId, inviteId: invite.id }, { correlationId: base.correlationId }));
    }
    audit.push({ ...base, action: "invite.consumed", teamId: invite.teamId, data: { inviteId: invite.id } });
  }
  await appendAudit(tx, audit);
  return joinedCount;
}
