import { InviteCreated } from "@signup/contracts";
import { and, appendAudit, asc, type Database, enqueueAuditedEvent, eq, gt, invites, normalizeEmail, sql, teamMembers, teams, users } from "@signup/db";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { HttpError } from "../../http-error.ts";
import { parseInput } from "../../validation.ts";
import { pageOf, pageQuery, toPage } from "./paging.ts";
import { docs } from "../../openapi.ts";
import { issueTicket } from "../../sign-ups/ticket.ts";

const teamBody = z.strictObject({ name: z.string().trim().min(1).max(200) });
const inviteBody = z.strictObject({
  email: z.string().trim().max(254).pipe(z.email()),
  role: z.string().trim().min(1).max(50).default("member"),
  expiresInDays: z.number().int().min(1).max(365).default(14),
});
const idParams = z.object({ id: z.uuid() });

const toInvite = (row: typeof invites.$inferSelect) => ({
  id: row.id,
  teamId: row.teamId,
  email: row.email,
  role: row.role,
  expiresAt: row.expiresAt.toISOString(),
});

export function teamRoutes(app: FastifyInstance, deps: { db: Database; site: { signupUrl: string } }): void {
  const { db } = deps;

  async function requireTeam(id: string) {
    const [team] = await db.select().from(teams).where(eq(teams.id, id));
    if (!team) throw new HttpError(404, "team_not_found", "No team with that id.");
    return team;
  }
  const teamId = (params: unknown) => {
    const parsed = idParams.safeParse(params);
    if (!parsed.success) throw new HttpError(404, "team_not_found", "No team with that id.");
    return parsed.data.id;
  };

  app.post("/admin/teams", docs("Create a team", { tags: ["admin"], admin: true, body: teamBody }), async (request, reply) => {
    const { name } = parseInput(teamBody, request.body);
    const team = await db.transaction(async (tx) => {
      const [row] = await tx.insert(teams).values({ name }).returning();
      if (!row) throw new Error("insert returned nothing");
      await appendAudit(tx, { actor: "admin", action: "team.created", teamId: row.id, correlationId: request.id, data: { name } });
      return row;
    });
    return reply.status(201).send({ id: team.id, name: team.name });
  });

  app.post("/admin/teams/:id/invites", docs("Invite an address to a team", { tags: ["admin"], admin: true, body: inviteBody }), async (request, reply) => {
    const id = teamId(request.params);
    const input = parseInput(inviteBody, request.body);
    await requireTeam(id);
    const invite = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(invites)
        .values({
          teamId: id,
          email: input.email,
          emailNormalized: normalizeEmail(input.email),
          role: input.role,
          invitedBy: "admin",
          expiresAt: sql`now() + make_interval(days => ${input.expiresInDays})`,
          correlationId: request.id,
        })
        .onConflictDoNothing()
        .returning();
      if (!row) throw new HttpError(409, "invite_exists", "That address already has an invite to this team.");
      // Onboarding applies the invite at once if the address is already verified; else on EmailVerified.
      await enqueueAuditedEvent(tx, InviteCreated.create({ inviteId: row.id, teamId: id }, { correlationId: request.id }), {
        actor: "admin",
        action: "invite.created",
        teamId: id,
        data: { inviteId: row.id, email: row.email, role: row.role },
      });
      // Shown once, like a client token: the admin may hand this link over in their own way.
      return { row, ticket: await issueTicket(tx, row.id) };
    });
    const ticketUrl = new URL(deps.site.signupUrl);
    ticketUrl.searchParams.set("ticket", invite.ticket);
    return reply.status(201).send({ ...toInvite(invite.row), ticketUrl: ticketUrl.toString() });
  });

  app.get("/admin/teams/:id/invites", docs("A team's pending invites", { tags: ["admin"], admin: true, querystring: pageQuery }), async (request) => {
    const id = teamId(request.params);
    const page = toPage(parseInput(pageQuery, request.query));
    await requireTeam(id);
    const rows = await db
      .select()
      .from(invites)
      .where(and(eq(invites.teamId, id), gt(invites.expiresAt, sql`now()`)))
      .orderBy(asc(invites.createdAt), asc(invites.id))
      .offset(page.offset)
      .limit(page.limit + 1);
    const { items, nextCursor } = pageOf(rows, page);
    return { items: items.map(toInvite), nextCursor };
  });

  app.delete("/admin/invites/:id", docs("Revoke an invite", { tags: ["admin"], admin: true }), async (request, reply) => {
    const parsed = idParams.safeParse(request.params);
    if (!parsed.success) throw new HttpError(404, "invite_not_found", "No invite with that id.");
    await db.transaction(async (tx) => {
      const [row] = await tx.delete(invites).where(eq(invites.id, parsed.data.id)).returning();
      if (!row) throw new HttpError(404, "invite_not_found", "No invite with that id.");
      await appendAudit(tx, {
        actor: "admin",
        action: "invite.revoked",
        teamId: row.teamId,
        correlationId: request.id,
        data: { inviteId: row.id, email: row.email },
      });
    });
    return reply.status(204).send();
  });

  app.get("/admin/teams/:id/members", docs("A team's members", { tags: ["admin"], admin: true, querystring: pageQuery }), async (request) => {
    const id = teamId(request.params);
    const page = toPage(parseInput(pageQuery, request.query));
    await requireTeam(id);
    const rows = await db
      .select({ userId: teamMembers.userId, email: users.email, role: teamMembers.role, joinedAt: teamMembers.joinedAt })
      .from(teamMembers)
      .innerJoin(users, eq(users.id, teamMembers.userId))
      .where(eq(teamMembers.teamId, id))
      .orderBy(asc(teamMembers.joinedAt), asc(teamMembers.userId))
      .offset(page.offset)
      .limit(page.limit + 1);
    const { items, nextCursor } = pageOf(rows, page);
    return { items: items.map((row) => ({ ...row, joinedAt: row.joinedAt.toISOString() })), nextCursor };
  });
}
