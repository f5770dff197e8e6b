import type { Logger } from "@signup/logger";

/**
 * On SIGTERM/SIGINT: runs the closers in order (a BullMQ worker's close() stops taking jobs and
 * waits for the active ones; fastify's close() stops accepting and drains requests), then exits 0.
 * If that takes longer than `timeoutMs` the process exits 1 anyway: the jobs still running lose
 * their lock within WORKER_LOCK_MS and another worker runs them again, so a deploy never hangs and
 * nothing is lost (a kill -9 is the same, minus the chance to finish).
 */
export function closeOnSignal(logger: Logger, closers: Array<() => Promise<unknown> | unknown>, options: { timeoutMs?: number } = {}): void {
  const timeoutMs = options.timeoutMs ?? 25_000;
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal, timeoutMs }, "stopping: no new work, finishing what is in flight");
    const deadline = setTimeout(() => {
      logger.warn({ timeoutMs }, "shutdown deadline passed; exiting with work in flight (it will be retried)");
      process.exit(1);
    }, timeoutMs);
    deadline.unref();
    for (const close of closers) {
      try {
        await close();
      } catch (error) {
        logger.warn({ err: error }, "error while stopping");
      }
    }
    clearTimeout(deadline);
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}
