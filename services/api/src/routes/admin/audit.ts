import { and, auditLog, type Database, desc, eq, lt, type SQL } from "@signup/db";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { parseInput } from "../../validation.ts";
import { docs } from "../../openapi.ts";

export const toAuditItem = (row: typeof auditLog.$inferSelect) => ({
  id: row.id.toString(),
  at: row.at.toISOString(),
  action: row.action,
  actor: row.actor,
  userId: row.userId,
  teamId: row.teamId,
  correlationId: row.correlationId,
  eventId: row.eventId,
  data: row.data,
});

const auditQuery = z.object({
  userId: z.uuid().optional(),
  teamId: z.uuid().optional(),
  action: z.string().min(1).max(100).optional(),
  correlationId: z.string().min(1).max(200).optional(),
  cursor: z.string().regex(/^\d+$/).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export function auditRoutes(app: FastifyInstance, deps: { db: Database }): void {
  // Newest first; the cursor is the last id seen, so pages stay stable while entries are appended.
  app.get("/admin/audit", docs("The audit log, newest first", { tags: ["admin"], admin: true, querystring: auditQuery }), async (request) => {
    const query = parseInput(auditQuery, request.query);
    const filters: SQL[] = [];
    if (query.userId) filters.push(eq(auditLog.userId, query.userId));
    if (query.teamId) filters.push(eq(auditLog.teamId, query.teamId));
    if (query.action) filters.push(eq(auditLog.action, query.action));
    if (query.correlationId) filters.push(eq(auditLog.correlationId, query.correlationId));
    if (query.cursor) filters.push(lt(auditLog.id, BigInt(query.cursor)));
    const rows = await deps.db
      .select()
      .from(auditLog)
      .where(and(...filters))
      .orderBy(desc(auditLog.id))
      .limit(query.limit + 1);
    const page = rows.slice(0, query.limit);
    return { items: page.map(toAuditItem), nextCursor: rows.length > query.limit ? (page.at(-1)?.id.toString() ?? null) : null };
  });
}
