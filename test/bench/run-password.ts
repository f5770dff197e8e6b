import { startStack } from "../support/stack.ts";
import { benchEnv, createBenchDatabase, newQueuePrefix, stackProcesses, withCleanup, type BenchContext } from "./bench-env.ts";
import { spawnLoad } from "./load-process.ts";
import type { RegisterResult, TargetResult } from "./load/protocol.ts";
import type { Sizes } from "./options.ts";
import { sampled, startSampler, type Usage } from "./sampler.ts";

export type PasswordFigures = {
  register: TargetResult;
  argon2: TargetResult;
  /** Register rate / bare hash rate. */
  ratio: number;
  /** The same by CPU: ms of one hash / ms the API and PostgreSQL spend per password sign-up. */
  cpuRatio: number;
  apiCpuMs: number;
  postgresCpuMs: number;
  usage: Usage;
};

/**
 * Run 5: sign-ups with a password against the API alone, beside the bare argon2id hash rate with
 * the same parameters and the same number in flight, taking turns in one client process. Argon2id
 * is meant to cost CPU; the ratio says how much of a password sign-up is the hash and how much the rest.
 */
export async function runPassword(ctx: BenchContext, sizes: Sizes["password"]): Promise<PasswordFigures> {
  return withCleanup(async (defer) => {
    const db = await createBenchDatabase(ctx.pg.url, "password");
    defer(db.drop);
    const queues = newQueuePrefix(ctx.redis.url, "password");
    defer(queues.drop);
    const stack = await startStack({
      label: "bench-password",
      databaseUrl: db.url,
      redisUrl: ctx.redis.url,
      smtpUrl: "smtp://127.0.0.1:9",
      queuePrefix: queues.prefix,
      only: ["api"],
      env: { ...benchEnv, SIGNUP_FIELDS: "email:required,password:required" },
    });
    defer(stack.stop);
    const warmup = Math.min(16, sizes.total);
    ctx.log(`password: ${sizes.total} sign-ups with a password and ${sizes.total} bare argon2id hashes, ${sizes.concurrency} in flight, taking turns`);
    const load = spawnLoad<RegisterResult>("password", {
      mode: "register",
      targets: [{ label: "register", url: stack.apiUrl }, { label: "argon2" }],
      total: sizes.total,
      concurrency: sizes.concurrency,
      warmup,
      rounds: 2,
      password: true,
      deadlineMs: Date.now() + 180_000,
    }, ctx.log);
    const sampler = startSampler({
      track: () => [...stackProcesses(stack), ...(load.process.pid === undefined ? [] : [{ label: "load generator (and the bare hashes)", group: "load" as const, pid: load.process.pid }])],
      database: db.name,
      postgres: db.sql,
      redis: { url: ctx.redis.url },
    });
    const { value, usage } = await sampled(sampler, load.result);
    const { register, argon2 } = value;
    if (!register || !argon2) throw new Error("the load generator measured no password sign-ups or no hashes");
    const perSignUp = (label: string) => ((usage.processes.find((p) => p.label === label)?.cpuSeconds ?? 0) * 1_000) / (sizes.total + warmup);
    const apiCpuMs = perSignUp("api");
    const postgresCpuMs = perSignUp("postgres backends (this run's database)");
    const ratio = register.perSecond / Math.max(1e-9, argon2.perSecond);
    ctx.log(`password: ${register.perSecond.toFixed(1)} sign-ups/s vs ${argon2.perSecond.toFixed(1)} hashes/s (ratio ${ratio.toFixed(2)})`);
    return { register, argon2, ratio, cpuRatio: argon2.clientCpuMs / Math.max(1e-9, apiCpuMs + postgresCpuMs), apiCpuMs, postgresCpuMs, usage };
  });
}
