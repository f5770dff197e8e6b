import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { FastifyAdapter } from "@bull-board/fastify";
import type { FastifyInstance } from "fastify";
import type { QueueSet } from "@signup/queue";

export const queueBoardPath = "/admin/queues";

/** bull-board: the operators' view of every queue, including the failed (dead-letter) sets. */
export async function registerQueueBoard(app: FastifyInstance, queues: QueueSet): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  createBullBoard({ queues: [...queues.queues.values()].map((queue) => new BullMQAdapter(queue)), serverAdapter });
  serverAdapter.setBasePath(queueBoardPath);
  await app.register(serverAdapter.registerPlugin(), { prefix: queueBoardPath });
}
