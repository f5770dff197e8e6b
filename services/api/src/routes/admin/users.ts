import { asc, auditLog, type Database, eq, normalizeEmail, teamMembers, teams, users } from "@signup/db";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { HttpError } from "../../http-error.ts";
import { parseInput } from "../../validation.ts";
import { toAuditItem } from "./audit.ts";
import { docs } from "../../openapi.ts";

const userQuery = z.object({ email: z.string().trim().min(1).max(254) });

export function userRoutes(app: FastifyInstance, deps: { db: Database }): void {
  const { db } = deps;

  /** One view of a user's whole pipeline: account, IdP, teams and every audited step in order. */
  app.get("/admin/users", docs("A user's whole pipeline state by email", { tags: ["admin"], admin: true, querystring: userQuery }), async (request) => {
    const { email } = parseInput(userQuery, request.query);
    const [user] = await db
      .select()
      .from(users)
      .where(eq(users.emailNormalized, normalizeEmail(email)));
    if (!user) throw new HttpError(404, "user_not_found", "No user with that email address.");
    const [memberships, timeline] = await Promise.all([
      db
        .select({ id: teams.id, name: teams.name, role: teamMembers.role, joinedAt: teamMembers.joinedAt })
        .from(teamMembers)
        .innerJoin(teams, eq(teams.id, teamMembers.teamId))
        .where(eq(teamMembers.userId, user.id))
        .orderBy(asc(teamMembers.joinedAt)),
      db.select().from(auditLog).where(eq(auditLog.userId, user.id)).orderBy(asc(auditLog.id)),
    ]);
    return {
      id: user.id,
      email: user.email,
      username: user.username,
      firstName: user.firstName,
      lastName: user.lastName,
      status: user.status,
      emailVerifiedAt: user.emailVerifiedAt?.toISOString() ?? null,
      createdAt: user.createdAt.toISOString(),
      idp: { name: user.idp, status: user.idpStatus, internalId: user.idpInternalId, error: user.idpError },
      teams: memberships.map((m) => ({ ...m, joinedAt: m.joinedAt.toISOString() })),
      timeline: timeline.map(toAuditItem),
    };
  });
}
