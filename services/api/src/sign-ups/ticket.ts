import { generateToken, hashToken } from "@signup/tokens";
import { type Executor, inviteTickets, sql } from "@signup/db";
import { HttpError } from "../http-error.ts";

export type RedeemedInvite = { inviteId: string; teamId: string; email: string; correlationId: string | null };

/** One answer for a ticket that is unknown, used, expired or whose invite was deleted: no oracle. */
export const ticketInvalid = () =>
  new HttpError(400, "ticket_invalid", "This invitation link is not valid any more; ask for a new invitation.", [
    { field: "ticket", code: "ticket_invalid", message: "This invitation is not valid." },
  ]);

/** A fresh single-use ticket for an invite; only its hash is stored. */
export async function issueTicket(tx: Executor, inviteId: string): Promise<string> {
  const ticket = generateToken();
  await tx.insert(inviteTickets).values({ inviteId, ticketHash: hashToken(ticket) });
  return ticket;
}

/**
 * Spends a ticket: `used_at IS NULL` makes it single-use under concurrency, and the join makes a
 * deleted or expired invite kill it. The invite itself stays until onboarding consumes it.
 */
export async function redeemTicket(tx: Executor, ticket: string): Promise<RedeemedInvite> {
  const rows = await tx.execute<{ invite_id: string; team_id: string; email: string; correlation_id: string | null }>(sql`
    update invite_tickets t set used_at = now()
    from invites i
    where t.ticket_hash = ${hashToken(ticket)} and t.used_at is null and i.id = t.invite_id and i.expires_at > now()
    returning i.id as invite_id, i.team_id, i.email, i.correlation_id`);
  const row = rows[0];
  if (!row) throw ticketInvalid();
  return { inviteId: row.invite_id, teamId: row.team_id, email: row.email, correlationId: row.correlation_id };
}
