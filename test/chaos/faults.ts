import type postgres from "postgres";
import { startRedisServer, type RedisServerHandle, type SmtpSink } from "@signup/local-infra";
import type { Supervisor } from "./supervisor.ts";

/**
 * The part of the backlog a fault holds up: one queue, the outbox, or all of it. Its drain is
 * measured there, so a queue that is slow for other reasons does not count against every fault.
 */
export type BacklogPart = "provisioning" | "mail" | "onboarding" | "outbox" | "all";

/** One injected fault: when it began, when it ended (the system may recover from then on), and what it did. */
export type FaultRecord = { name: string; affects: BacklogPart; startedAt: number; endedAt: number; detail: string };

/** A redis-server we may stop and start again on the same port and data directory (AOF restores it). */
export type RedisControl = { readonly handle: RedisServerHandle; restart(downMs: number): Promise<void>; stop(): Promise<void> };

export async function startOwnRedis(dir: string): Promise<RedisControl> {
  let handle = await startRedisServer({ dir, persist: true });
  return {
    get handle() {
      return handle;
    },
    async restart(downMs) {
      const port = handle.port;
      await handle.stop();
      await sleep(downMs);
      handle = await startRedisServer({ dir, port, persist: true });
    },
    stop: () => handle.stop(),
  };
}

export type FaultContext = {
  supervisor: Supervisor;
  redis: RedisControl;
  sink: SmtpSink;
  /** A connection to the server's maintenance database, so terminating our database's backends spares it. */
  admin: postgres.Sql;
  databaseName: string;
};

/** `lastsMs`: about how long the fault itself takes, for planning the load around the schedule. */
export type Fault = { name: string; affects: BacklogPart; lastsMs: number; run(ctx: FaultContext): Promise<string> };

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const holdsUp = { provisioner: "provisioning", mailer: "mail", onboarding: "onboarding", relay: "outbox" } as const;

const killService = (name: keyof typeof holdsUp): Fault => ({
  name: `kill ${name}`,
  affects: holdsUp[name],
  lastsMs: 0,
  async run({ supervisor }) {
    const { killedPid, replacementPid } = await supervisor.kill(name, "SIGKILL");
    return `SIGKILL pid ${killedPid}, replacement pid ${replacementPid} started at once`;
  },
});

async function terminateBackends({ admin, databaseName }: FaultContext): Promise<number> {
  const rows = await admin`select pg_terminate_backend(pid) as done from pg_stat_activity where datname = ${databaseName} and pid <> pg_backend_pid()`;
  return rows.filter((row) => row.done === true).length;
}

/** The faults, in the order they are injected; `quick` shortens the ones that last. */
export function faultPlan(options: { quick: boolean }): Fault[] {
  const redisDownMs = options.quick ? 3_000 : 5_000;
  const smtpRefuseMs = options.quick ? 5_000 : 10_000;
  return [
    killService("provisioner"),
    killService("mailer"),
    killService("onboarding"),
    killService("relay"),
    {
      name: "restart redis",
      affects: "all",
      lastsMs: redisDownMs,
      async run({ redis }) {
        await redis.restart(redisDownMs);
        return `redis-server stopped, down ${redisDownMs / 1_000} s, started again on port ${redis.handle.port} from its AOF`;
      },
    },
    {
      name: "smtp 451",
      affects: "mail",
      lastsMs: smtpRefuseMs,
      async run({ sink }) {
        const before = sink.refusals;
        sink.refuse(451, Date.now() + smtpRefuseMs);
        await sleep(smtpRefuseMs);
        return `every recipient answered 451 for ${smtpRefuseMs / 1_000} s (${sink.refusals - before} refused)`;
      },
    },
    {
      name: "terminate postgres backends",
      affects: "all",
      lastsMs: 2_000,
      async run(ctx) {
        const first = await terminateBackends(ctx);
        await sleep(2_000);
        const second = await terminateBackends(ctx);
        return `pg_terminate_backend on our database twice, 2 s apart: ${first} then ${second} backends`;
      },
    },
  ];
}

/**
 * Runs the faults one after another, `gapMs` apart (the first after `gapMs` too), each stamped with
 * its start and end. Stops early when `shouldStop` says so (the run's time is up).
 */
export async function runFaults(
  plan: readonly Fault[],
  ctx: FaultContext,
  options: { gapMs: number; log: (line: string) => void; shouldStop: () => boolean },
): Promise<FaultRecord[]> {
  const records: FaultRecord[] = [];
  for (const fault of plan) {
    await sleep(options.gapMs);
    if (options.shouldStop()) break;
    const startedAt = Date.now();
    let detail: string;
    try {
      detail = await fault.run(ctx);
    } catch (error) {
      detail = `the fault itself failed: ${(error as Error).message}`;
    }
    const endedAt = Date.now();
    records.push({ name: fault.name, affects: fault.affects, startedAt, endedAt, detail });
    options.log(`fault ${fault.name}: ${detail} (${((endedAt - startedAt) / 1_000).toFixed(1)} s)`);
  }
  return records;
}
