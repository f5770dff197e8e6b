import type { Logger } from "@signup/logger";
import { outboxHasWork, relayBatch, type RelayDeps } from "./relay.ts";

export type RelayLoop = { stop(): Promise<void> };

/**
 * Drains the outbox in batches, then polls every `pollMs` while it is empty. It polls rather than
 * LISTENs: a commit that NOTIFYs takes PostgreSQL's database-wide notify lock through its WAL
 * flush, which made every event writer's commit wait for the others' (docs/decisions.md). An idle
 * poll is one index probe, not a transaction. Under load every batch follows the last, so taking
 * each at once would publish batches of one or two events, each costing a transaction and a Redis
 * round trip: after a batch that was not full the relay lets `gatherMs` pass before the next.
 * Failures back off exponentially up to 5 s.
 */
export function runRelay(deps: RelayDeps & { pollMs: number; gatherMs: number; logger: Logger }): RelayLoop {
  let stopped = false;
  let wake: (() => void) | undefined;
  let failures = 0;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  const loop = (async () => {
    let idle = false;
    while (!stopped) {
      try {
        if (idle && !(await outboxHasWork(deps.db))) {
          await sleep(deps.pollMs);
          continue;
        }
        const count = await relayBatch(deps);
        if (failures > 0) deps.logger.info("relay recovered");
        failures = 0;
        idle = count === 0;
        if (count > 0) {
          deps.logger.debug({ count }, "published outbox events");
          if (count < deps.batchSize && deps.gatherMs > 0) await sleep(deps.gatherMs);
          continue; // there may be more
        }
        await sleep(deps.pollMs);
      } catch (error) {
        failures += 1;
        const delay = Math.min(100 * 2 ** failures, 5_000);
        if (failures === 1 || failures % 20 === 0) {
          deps.logger.warn({ err: error, failures, delay }, "relay cannot publish yet; events wait in the outbox");
        }
        await sleep(delay);
      }
    }
  })();

  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
