import type { Logger } from "@signup/logger";

/**
 * Runs the closers in order on SIGTERM/SIGINT, then exits. A BullMQ worker's close() waits for
 * its active jobs, so a deploy does not cut a job in half (a kill -9 still can; retries cover it).
 */
export function closeOnSignal(logger: Logger, closers: Array<() => Promise<unknown> | unknown>): void {
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, "stopping");
    for (const close of closers) {
      try {
        await close();
      } catch (error) {
        logger.warn({ err: (error as Error).message }, "error while stopping");
      }
    }
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
}
