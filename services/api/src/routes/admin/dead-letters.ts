import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { allQueueNames, type QueueName } from "@signup/contracts";
import { appendAudit, countOutboxDeadLetters, type Database, listOutboxDeadLetters, type OutboxDeadLetter } from "@signup/db";
import { type DeadLetter, listDeadLetters, replayDeadLetter, type QueueSet } from "@signup/queue";
import { HttpError } from "../../http-error.ts";
import { parseInput } from "../../validation.ts";
import { docs } from "../../openapi.ts";

/** Outbox rows that no event contract accepts: the relay keeps them unpublished (see relay.ts). */
const OUTBOX = "outbox";
type ListedDeadLetter = Omit<DeadLetter, "queue"> & { queue: QueueName | typeof OUTBOX };

const queueName = z.enum(allQueueNames as [QueueName, ...QueueName[]]);
const listQuery = z.object({
  queue: z.enum([OUTBOX, ...allQueueNames]).optional(),
  cursor: z.string().regex(/^\d+$/).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const replayParams = z.object({ queue: queueName, jobId: z.string().min(1).max(200) });

const listDescription = [
  "Jobs in every queue's failed set (attempts exhausted, or a permanent error such as an IdP's 400), and outbox rows",
  'that no event contract accepts (`queue: "outbox"`, `jobId` and `eventId` = the row\'s id): the relay never publishes',
  "nor retries those. Newest first across all of them; `?queue=outbox` lists only the outbox rows, and they need",
  "PostgreSQL only. An outbox row cannot be replayed (409 `not_replayable`): correct its envelope and clear its",
  "`failed_at`, or delete it.",
].join(" ");

/** Same shape as a failed job's, so the list, the CLI and dashboards need no second format. */
function fromOutbox(row: OutboxDeadLetter): ListedDeadLetter {
  const envelope = (typeof row.envelope === "object" && row.envelope !== null ? row.envelope : {}) as {
    correlationId?: unknown;
    data?: { userId?: unknown } | null;
  };
  const text = (value: unknown) => (typeof value === "string" ? value : null);
  return {
    queue: OUTBOX,
    jobId: row.id,
    name: row.type,
    eventId: row.id,
    correlationId: text(envelope.correlationId),
    userId: text(envelope.data?.userId),
    failedReason: row.failedReason,
    attemptsMade: 1,
    failedAt: row.failedAt.toISOString(),
  };
}

async function outboxDeadLetters(db: Database, limit: number): Promise<{ items: ListedDeadLetter[]; total: number }> {
  const [rows, total] = await Promise.all([listOutboxDeadLetters(db, { limit }), countOutboxDeadLetters(db)]);
  return { items: rows.map(fromOutbox), total };
}

export function deadLetterRoutes(app: FastifyInstance, deps: { db: Database; queues?: QueueSet }): void {
  const queues = () => {
    if (!deps.queues) throw new HttpError(503, "queues_unavailable", "This API instance has no REDIS_URL, so it cannot see the queues.");
    return deps.queues;
  };

  const listDocs = docs("Dead letters (failed jobs and outbox rows no contract accepts)", {
    tags: ["admin"],
    admin: true,
    querystring: listQuery,
    description: listDescription,
  });
  app.get("/admin/dead-letters", listDocs, async (request) => {
    const query = parseInput(listQuery, request.query);
    const offset = Number(query.cursor ?? 0);
    const none = { items: [], total: 0 };
    // Each source is newest first, so the first offset + limit of each hold the page wherever it falls.
    const window = offset + query.limit;
    const [jobs, outbox] = await Promise.all([
      query.queue === OUTBOX ? none : listDeadLetters(queues(), { queue: query.queue, offset: 0, limit: window }),
      query.queue === undefined || query.queue === OUTBOX ? outboxDeadLetters(deps.db, window) : none,
    ]);
    const merged: ListedDeadLetter[] = [...jobs.items, ...outbox.items].sort((a, b) => (b.failedAt ?? "").localeCompare(a.failedAt ?? ""));
    const items = merged.slice(offset, window);
    const total = jobs.total + outbox.total;
    return { items, total, nextCursor: offset + items.length < total ? String(offset + items.length) : null };
  });

  app.post("/admin/dead-letters/:queue/:jobId/replay", docs("Replay a dead letter (audited)", { tags: ["admin"], admin: true }), async (request, reply) => {
    if ((request.params as { queue?: string }).queue === OUTBOX) {
      throw new HttpError(
        409,
        "not_replayable",
        "An outbox row that no contract accepts cannot be published as it is: correct its envelope and clear its failed_at, or delete it.",
      );
    }
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
