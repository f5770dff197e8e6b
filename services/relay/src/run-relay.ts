import type postgres from "postgres";
import type { Logger } from "@signup/logger";
import { relayBatch, type RelayDeps } from "./relay.ts";

export type RelayLoop = { stop(): Promise<void> };

/**
 * Drains the outbox whenever Postgres notifies a commit, and polls as a fallback (a notification
 * is lost while the LISTEN connection is down). Failures back off exponentially up to 5 s.
 * Under load every commit notifies, so taking each at once would publish batches of one or two
 * events, each costing a transaction and a Redis round trip: after a batch that was not full the
 * relay lets `gatherMs` pass before the next, so a busy outbox goes out in batches, while the
 * first event after a quiet spell still goes at once.
 */
export function runRelay(deps: RelayDeps & { sql: postgres.Sql; pollMs: number; gatherMs: number; logger: Logger }): RelayLoop {
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

  const listening = deps.sql
    .listen("outbox_events", () => wake?.())
    .catch((error: unknown) => deps.logger.warn({ err: (error as Error).message }, "LISTEN failed; polling only"));

  const loop = (async () => {
    while (!stopped) {
      try {
        const count = await relayBatch(deps);
        if (failures > 0) deps.logger.info("relay recovered");
        failures = 0;
        if (count > 0) {
          deps.logger.debug({ count }, "published outbox events");
          if (count < deps.batchSize && deps.gatherMs > 0) await new Promise((resolve) => setTimeout(resolve, deps.gatherMs));
          continue; // there may be more
        }
        await sleep(deps.pollMs);
      } catch (error) {
        failures += 1;
        const delay = Math.min(100 * 2 ** failures, 5_000);
        if (failures === 1 || failures % 20 === 0) {
          deps.logger.warn({ err: (error as Error).message, failures, delay }, "relay cannot publish yet; events wait in the outbox");
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
      await listening;
    },
  };
}
