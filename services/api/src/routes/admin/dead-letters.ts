import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { allQueueNames, type QueueName } from "@signup/contracts";
import { appendAudit, type Database } from "@signup/db";
import { listDeadLetters, replayDeadLetter, type QueueSet } from "@signup/queue";
import { HttpError } from "../../http-error.ts";
import { parseInput } from "../../validation.ts";
import { docs } from "../../openapi.ts";

const queueName = z.enum(allQueueNames as [QueueName, ...QueueName[]]);
const listQuery = z.object({
  queue: queueName.optional(),
  cursor: z.string().regex(/^\d+$/).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const replayParams = z.object({ queue: queueName, jobId: z.string().min(1).max(200) });

export function deadLetterRoutes(app: FastifyInstance, deps: { db: Database; queues?: QueueSet }): void {
  const queues = () => {
    if (!deps.queues) throw new HttpError(503, "queues_unavailable", "This API instance has no REDIS_URL, so it cannot see the queues.");
    return deps.queues;
  };

  app.get("/admin/dead-letters", docs("Dead letters (failed jobs)", { tags: ["admin"], admin: true, querystring: listQuery }), async (request) => {
    const query = parseInput(listQuery, request.query);
    const offset = Number(query.cursor ?? 0);
    const { items, total } = await listDeadLetters(queues(), { queue: query.queue, offset, limit: query.limit });
    return { items, total, nextCursor: offset + items.length < total ? String(offset + items.length) : null };
  });

  app.post("/admin/dead-letters/:queue/:jobId/replay", docs("Replay a dead letter (audited)", { tags: ["admin"], admin: true }), async (request, reply) => {
    const parsed = replayParams.safeParse(request.params);
    if (!parsed.success) throw new HttpError(404, "dead_letter_not_found", "No such queue or job.");
    const { queue, jobId } = parsed.data;
    const outcome = await replayDeadLetter(queues(), queue, jobId);
    if (outcome.status === "not_found") throw new HttpError(404, "dead_letter_not_found", "No such job in that queue.");
    if (outcome.status === "not_failed") throw new HttpError(409, "not_a_dead_letter", `That job is ${outcome.state}, not failed.`);
    const { deadLetter } = outcome;
    await appendAudit(deps.db, {
      actor: "admin",
      action: "dead_letter.replayed",
      userId: deadLetter.userId,
      correlationId: deadLetter.correlationId,
      eventId: deadLetter.eventId,
      data: { queue, jobId, event: deadLetter.name, failedReason: deadLetter.failedReason, requestId: request.id },
    });
    return reply.status(202).send({ status: "replayed", queue, jobId });
  });
}
