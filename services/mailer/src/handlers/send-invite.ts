import { and, eq, gt, inviteTickets, invites, sql, teams, users } from "@signup/db";
import type { EventOf } from "@signup/contracts";
import type { HandlerResult } from "@signup/queue";
import { generateToken, hashToken } from "@signup/tokens";
import type { MailerDeps } from "../mail-deps.ts";
import { alreadySent, sendOnce } from "./send-once.ts";

const day = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });

/**
 * The invite mail with a ticket of its own (only its hash is stored): opening it signs up with the
 * address proved. An address that is already verified gets no invite mail: onboarding adds it to
 * the team at once and the "you joined" mail tells them.
 */
export async function sendInvite(event: EventOf<"InviteCreated">, deps: MailerDeps): Promise<HandlerResult> {
  const { db, settings } = deps;
  if (await alreadySent(db, event.id)) return { outcome: "skipped", reason: "already_sent" };
  const [invite] = await db
    .select({
      id: invites.id,
      email: invites.email,
      emailNormalized: invites.emailNormalized,
      role: invites.role,
      invitedBy: invites.invitedBy,
      expiresAt: invites.expiresAt,
      teamId: teams.id,
      teamName: teams.name,
    })
    .from(invites)
    .innerJoin(teams, eq(teams.id, invites.teamId))
    .where(and(eq(invites.id, event.data.inviteId), gt(invites.expiresAt, sql`now()`)));
  if (!invite) return { outcome: "skipped", reason: "invite_gone" };
  const [member] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.emailNormalized, invite.emailNormalized), eq(users.status, "active")));
  if (member) return { outcome: "skipped", reason: "address_verified" };

  const ticket = generateToken();
  await db.insert(inviteTickets).values({ inviteId: invite.id, ticketHash: hashToken(ticket) });
  const link = new URL(settings.signupUrl);
  link.searchParams.set("ticket", ticket);
  return sendOnce(event, deps, {
    to: invite.email,
    template: "invite",
    vars: {
      email: invite.email,
      teamName: invite.teamName,
      role: invite.role,
      inviter: invite.invitedBy === "admin" ? "An administrator" : invite.invitedBy,
      expiresOn: day.format(invite.expiresAt),
      link: link.toString(),
    },
    audit: { action: "invite.mail_sent", userId: null, teamId: invite.teamId, data: { inviteId: invite.id } },
  });
}
