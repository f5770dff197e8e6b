import { startStack } from "../support/stack.ts";
import { benchEnv, createBenchDatabase, newQueuePrefix, stackProcesses, withCleanup, type BenchContext } from "./bench-env.ts";
import { startBaseline } from "./baseline-process.ts";
import { spawnLoad } from "./load-process.ts";
import type { RegisterResult, TargetResult } from "./load/protocol.ts";
import type { Sizes } from "./options.ts";
import { sampled, startSampler, type Usage } from "./sampler.ts";

export type PasswordFigures = {
  register: TargetResult;
  argon2: TargetResult;
  /** The bare route (baseline-server.ts) with the same hash: what any code running these statements reaches. */
  baseline: TargetResult;
  /** Register rate / bare hash rate. */
  ratio: number;
  /** The bare route's rate / bare hash rate: the ceiling of `ratio` on this machine, short of dropping a statement. */
  baselineRatio: number;
  /** The same by CPU: ms of one hash / ms the API and PostgreSQL spend per password sign-up. */
  cpuRatio: number;
  apiCpuMs: number;
  postgresCpuMs: number;
  baselineCpuMs: number;
  baselinePostgresCpuMs: number;
  usage: Usage;
};

/**
 * Run 5: sign-ups with a password against the API alone, beside the bare argon2id hash rate with
 * the same parameters and the same number in flight, and beside the bare route of run 1 hashing
 * the same way, taking turns in one client process. Argon2id is meant to cost CPU; the ratio says
 * how much of a password sign-up is the hash and how much the rest, and the bare route's ratio how
 * much of the rest is the statements themselves (with their PostgreSQL work on the same cores).
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
    const baseDb = await createBenchDatabase(ctx.pg.url, "password-baseline");
    defer(baseDb.drop);
    const baseline = await startBaseline(baseDb.url);
    defer(baseline.stop);
    const warmup = Math.min(16, sizes.total);
    ctx.log(`password: ${sizes.total} sign-ups with a password, ${sizes.total} bare argon2id hashes and ${sizes.total} bare-route sign-ups with a password, ${sizes.concurrency} in flight, taking turns`);
    const load = spawnLoad<RegisterResult>("password", {
      mode: "register",
      targets: [{ label: "register", url: stack.apiUrl }, { label: "argon2" }, { label: "baseline", url: baseline.url }],
      total: sizes.total,
      concurrency: sizes.concurrency,
      warmup,
      rounds: 2,
      password: true,
      deadlineMs: Date.now() + 180_000,
    }, ctx.log);
    const sampler = startSampler({
      track: () => [...stackProcesses(stack), { label: "baseline server", group: "baseline" as const, pid: baseline.pid }, ...(load.process.pid === undefined ? [] : [{ label: "load generator (and the bare hashes)", group: "load" as const, pid: load.process.pid }])],
      database: { "this run's database": db.name, "baseline's database": baseDb.name },
      postgres: db.sql,
      redis: { url: ctx.redis.url },
    });
    const { value, usage } = await sampled(sampler, load.result);
    const { register, argon2, baseline: bare } = value;
    if (!register || !argon2 || !bare) throw new Error("the load generator measured no password sign-ups, hashes or bare-route sign-ups");
    const perSignUp = (label: string) => ((usage.processes.find((p) => p.label === label)?.cpuSeconds ?? 0) * 1_000) / (sizes.total + warmup);
    const apiCpuMs = perSignUp("api");
    const postgresCpuMs = perSignUp("postgres backends (this run's database)");
    const ratio = register.perSecond / Math.max(1e-9, argon2.perSecond);
    const baselineRatio = bare.perSecond / Math.max(1e-9, argon2.perSecond);
    ctx.log(`password: ${register.perSecond.toFixed(1)} sign-ups/s vs ${argon2.perSecond.toFixed(1)} hashes/s (ratio ${ratio.toFixed(2)}); the bare route ${bare.perSecond.toFixed(1)}/s (${baselineRatio.toFixed(2)})`);
    return {
      register,
      argon2,
      baseline: bare,
      ratio,
      baselineRatio,
      cpuRatio: argon2.clientCpuMs / Math.max(1e-9, apiCpuMs + postgresCpuMs),
      apiCpuMs,
      postgresCpuMs,
      baselineCpuMs: perSignUp("baseline server"),
      baselinePostgresCpuMs: perSignUp("postgres backends (baseline's database)"),
      usage,
    };
  });
}
