import { startStack } from "../support/stack.ts";
import { benchEnv, createBenchDatabase, newQueuePrefix, stackProcesses, withCleanup, type BenchContext, type BenchDatabase } from "./bench-env.ts";
import { startBaseline } from "./baseline-process.ts";
import { spawnLoad } from "./load-process.ts";
import type { RegisterConfig, RegisterResult, TargetResult } from "./load/protocol.ts";
import type { Sizes } from "./options.ts";
import { sampled, startSampler, type Tracked, type Usage } from "./sampler.ts";

export type RowsPerSignUp = { signUps: number; users: number; outbox: number; auditLog: number };
/** CPU milliseconds per sign-up of the server process and of its database's backends: unlike throughput, hardly moved by other work on the machine. */
export type Side = { result: TargetResult; rows: RowsPerSignUp; serverCpuMs: number; postgresCpuMs: number };
export type RegisterFigures = { api: Side; baseline: Side; ratio: number; cpuRatio: number; rounds: number; usage: Usage };

/** Rows each sign-up left behind: the API and the baseline must have done the same writes. */
async function rowsPerSignUp(db: BenchDatabase, signUps: number): Promise<RowsPerSignUp> {
  const [row] = await db.sql<Array<Record<keyof RowsPerSignUp, number>>>`
    select (select count(*)::int from sign_ups) as "signUps", (select count(*)::int from users) as users,
           (select count(*)::int from outbox) as outbox, (select count(*)::int from audit_log) as "auditLog"`;
  const per = (n: number | undefined) => Number(((n ?? 0) / Math.max(1, signUps)).toFixed(2));
  return { signUps: per(row?.signUps), users: per(row?.users), outbox: per(row?.outbox), auditLog: per(row?.auditLog) };
}

/**
 * Run 1: our register path against the API alone (no relay or workers competing for the cores)
 * and against the bare baseline, both up at once, each on its own database; one client process
 * alternates between them round by round, so both meet the same weather on a shared machine.
 */
export async function runRegister(ctx: BenchContext, sizes: Sizes["register"]): Promise<RegisterFigures> {
  return withCleanup(async (defer) => {
    const apiDb = await createBenchDatabase(ctx.pg.url, "register");
    defer(apiDb.drop);
    const baseDb = await createBenchDatabase(ctx.pg.url, "baseline");
    defer(baseDb.drop);
    const queues = newQueuePrefix(ctx.redis.url, "register");
    defer(queues.drop);
    const stack = await startStack({
      label: "bench-register",
      databaseUrl: apiDb.url,
      redisUrl: ctx.redis.url,
      smtpUrl: "smtp://127.0.0.1:9",
      queuePrefix: queues.prefix,
      only: ["api"],
      env: benchEnv,
    });
    defer(stack.stop);
    const baseline = await startBaseline(baseDb.url);
    defer(baseline.stop);
    ctx.log(`register: ${sizes.total} sign-ups each (+${sizes.warmup} warm-up), ${sizes.concurrency} connections, API and baseline alternating in ${sizes.rounds} rounds`);

    const config: RegisterConfig = {
      mode: "register",
      targets: [{ label: "api", url: stack.apiUrl }, { label: "baseline", url: baseline.url }],
      ...sizes,
      password: false,
      deadlineMs: Date.now() + 240_000,
    };
    const load = spawnLoad<RegisterResult>("register", config, ctx.log);
    const servers: Tracked[] = [...stackProcesses(stack), { label: "baseline server", group: "baseline", pid: baseline.pid }];
    const sampler = startSampler({
      track: () => [...servers, ...(load.process.pid === undefined ? [] : [{ label: "load generator", group: "load" as const, pid: load.process.pid }])],
      database: { "API's database": apiDb.name, "baseline's database": baseDb.name },
      postgres: apiDb.sql,
      redis: { url: ctx.redis.url },
    });
    const { value, usage } = await sampled(sampler, load.result);
    const cpu = (label: string) => usage.processes.find((p) => p.label === label)?.cpuSeconds ?? 0;
    const side = async (label: "api" | "baseline", server: string, backends: string, db: BenchDatabase): Promise<Side> => {
      const result = value[label];
      if (!result) throw new Error(`the load generator measured nothing for ${label}`);
      const perSignUp = (seconds: number) => (seconds * 1_000) / Math.max(1, sizes.total + sizes.warmup);
      ctx.log(`register/${label}: ${result.perSecond.toFixed(0)}/s, p50 ${result.latency.p50.toFixed(1)} ms, p99 ${result.latency.p99.toFixed(1)} ms, non-202 ${result.failed}`);
      return { result, rows: await rowsPerSignUp(db, sizes.total + sizes.warmup), serverCpuMs: perSignUp(cpu(server)), postgresCpuMs: perSignUp(cpu(backends)) };
    };
    const api = await side("api", "api", "postgres backends (API's database)", apiDb);
    const base = await side("baseline", "baseline server", "postgres backends (baseline's database)", baseDb);
    return {
      api,
      baseline: base,
      ratio: api.result.perSecond / Math.max(1e-9, base.result.perSecond),
      cpuRatio: (base.serverCpuMs + base.postgresCpuMs) / Math.max(1e-9, api.serverCpuMs + api.postgresCpuMs),
      rounds: sizes.rounds,
      usage,
    };
  });
}
