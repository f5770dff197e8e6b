import { and, eq, teamMembers, teams, users } from "@signup/db";
import type { EventOf } from "@signup/contracts";
import type { HandlerResult } from "@signup/queue";
import type { MailerDeps } from "../mail-deps.ts";
import { alreadySent, sendOnce } from "./send-once.ts";

type Event = EventOf<"InviteAccepted">;

/** Tells the user which team their invite put them in; skipped if the membership is gone. */
export async function notifyTeamJoined(event: Event, deps: MailerDeps): Promise<HandlerResult> {
  if (await alreadySent(deps.db, event.id)) return { outcome: "skipped", reason: "already_sent" };
  const [row] = await deps.db
    .select({ email: users.email, teamName: teams.name, role: teamMembers.role })
    .from(teamMembers)
    .innerJoin(users, eq(users.id, teamMembers.userId))
    .innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .where(and(eq(teamMembers.userId, event.data.userId), eq(teamMembers.teamId, event.data.teamId)));
  if (!row) return { outcome: "skipped", reason: "membership_not_found" };
  return sendOnce(event, deps, {
    to: row.email,
    template: "invite-accepted",
    vars: { email: row.email, teamName: row.teamName, role: row.role },
    audit: { action: "team_joined_notice.sent", userId: event.data.userId, teamId: event.data.teamId },
  });
}
