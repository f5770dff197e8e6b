import { setPriority } from "node:os";
import { backgroundNice, freePort, waitUntil } from "@signup/local-infra";
import { startScimServer, type ScimServer } from "../idp-servers/scim-server.ts";
import { startStack, type Stack } from "../support/stack.ts";
import { benchEnv, createBenchDatabase, newQueuePrefix, stackProcesses, withCleanup, type BenchContext, type BenchDatabase } from "./bench-env.ts";
import { startBaseline } from "./baseline-process.ts";
import { spawnLoad, type LoadProcess } from "./load-process.ts";
import { benchAddress, type E2eConfig, type E2eResult, type RatePhaseResult, type RateResult } from "./load/protocol.ts";
import type { Budget, Sizes } from "./options.ts";
import { checkPipeline, pipelineProgress, type PipelineFigures, type SteadyStages, stagesDuring } from "./pipeline-check.ts";
import { sampled, startSampler, type QueueSeries, type Tracked, type Usage } from "./sampler.ts";

export type E2eFigures = {
  title: string;
  /** Sign-ups asked for, and sent within the time budget. */
  requested: number;
  sent: number;
  smtpDelayMs: number;
  idpDelayMs: number;
  idp: string;
  load: E2eResult;
  pipeline: PipelineFigures;
  /** Whether every accepted sign-up was provisioned and onboarded before the drain wait ran out. */
  drained: boolean;
  usage: Usage;
  series: QueueSeries;
};
export type RateFigures = {
  rate: RateResult;
  /** Run 1's bare route on a database of its own, probed at the first phase's rate alongside: the same statements without our layers, on the same busy machine. */
  baseline: RatePhaseResult | undefined;
  busyPerSecond: number;
  busyThroughout: boolean;
  /** The pipeline's stage latencies for the sign-ups registered during the first phase. */
  steady: SteadyStages;
  usage: Usage;
  series: QueueSeries;
};

type Pipeline = { stack: Stack; db: BenchDatabase; smtpPort: number; scim: ScimServer | undefined; prefix: string };
type Slow = { idpDelayMs: number; total: number };

/** The whole stack on a database and queue prefix of its own; with `slow`, the SCIM server answers each request late. */
async function withPipeline<T>(
  ctx: BenchContext,
  label: string,
  slow: Slow | undefined,
  work: (pipeline: Pipeline, defer: (cleanup: () => Promise<unknown>) => void) => Promise<T>,
): Promise<T> {
  return withCleanup(async (defer) => {
    const db = await createBenchDatabase(ctx.pg.url, label);
    defer(db.drop);
    const queues = newQueuePrefix(ctx.redis.url, label);
    defer(queues.drop);
    let scim: ScimServer | undefined;
    if (slow) {
      scim = await startScimServer();
      defer(scim.close);
      // One delay per request the provisioner can make (a create, and a lookup after a 409).
      scim.faults.add("create", { type: "delay", ms: slow.idpDelayMs }, slow.total * 2);
      scim.faults.add("lookup", { type: "delay", ms: slow.idpDelayMs }, slow.total * 2);
    }
    // The sink runs inside the load generator; the mailer only connects once mail is due.
    const smtpPort = await freePort();
    const stack = await startStack({
      label: `bench-${label}`,
      databaseUrl: db.url,
      redisUrl: ctx.redis.url,
      smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
      queuePrefix: queues.prefix,
      env: { ...benchEnv, ...(scim ? { IDP: "scim", SCIM_BASE_URL: scim.baseUrl, SCIM_TOKEN: scim.token } : {}) },
    });
    defer(stack.stop);
    return work({ stack, db, smtpPort, scim, prefix: queues.prefix }, defer);
  });
}

function e2eLoad(ctx: BenchContext, label: string, pipeline: Pipeline, total: number, concurrency: number, smtpDelayMs: number, budget: Budget, registerPerSecond?: number): LoadProcess<E2eResult> {
  const now = Date.now();
  const config: E2eConfig = {
    mode: "e2e",
    apiUrl: pipeline.stack.apiUrl,
    adminToken: pipeline.stack.adminToken,
    smtpPort: pipeline.smtpPort,
    smtpDelayMs,
    total,
    concurrency,
    inviteEvery: 10,
    emailPrefix: label,
    ...(registerPerSecond === undefined ? {} : { registerPerSecond }),
    registerUntilMs: now + budget.registerSeconds * 1_000,
    deadlineMs: now + (budget.registerSeconds + budget.graceSeconds) * 1_000,
    lingerMs: (budget.graceSeconds + budget.drainSeconds + 120) * 1_000,
  };
  return spawnLoad<E2eResult>(label, config, ctx.log);
}

const loadPids = (...loads: Array<LoadProcess<unknown> | undefined>): Tracked[] =>
  loads.flatMap((load) => (load?.process.pid === undefined ? [] : [{ label: "load generators", group: "load" as const, pid: load.process.pid }]));

/** Runs 2 and 3: sign-ups pushed through every stage, then the per-address check. */
export async function runE2e(ctx: BenchContext, label: "e2e" | "slow", sizes: Sizes): Promise<E2eFigures> {
  const run = label === "slow" ? sizes.slow : { ...sizes.e2e, smtpDelayMs: 0, idpDelayMs: 0 };
  const slow = label === "slow" ? sizes.slow : undefined;
  const title = slow ? `end to end, SMTP ${slow.smtpDelayMs} ms per mail, IdP (SCIM) ${slow.idpDelayMs} ms per request` : "end to end";
  return withPipeline(ctx, label, slow, async (pipeline) => {
    ctx.log(`${label}: ${run.total} sign-ups, ${run.concurrency} at a time, every 10th invited to a team (at most ${run.registerSeconds} s of sign-ups)`);
    const load = e2eLoad(ctx, label, pipeline, run.total, run.concurrency, run.smtpDelayMs, run);
    const sampler = startSampler({
      track: () => [...stackProcesses(pipeline.stack), ...loadPids(load)],
      database: pipeline.db.name,
      postgres: pipeline.db.sql,
      redis: { url: ctx.redis.url, prefix: pipeline.prefix },
    });
    const { value, usage } = await sampled(sampler, (async () => {
      const result = await load.result;
      ctx.log(`${label}: load done (registered ${result.registered}, verified ${result.verified}); waiting for the pipeline to drain`);
      const drained = await waitUntil(async () => {
        const progress = await pipelineProgress(pipeline.db.sql);
        return progress.provisioned >= result.registered && progress.onboarded >= result.verified;
      }, { timeoutMs: run.drainSeconds * 1_000, intervalMs: 250, what: "the pipeline to drain" }).then(() => true, () => false);
      // A little longer, so the chart shows the queues reaching zero (the last "you joined" mails).
      await waitUntil(async () => Object.values(sampler.series.queues).every((depths) => (depths.at(-1) ?? 0) === 0), { timeoutMs: 10_000, intervalMs: 250, what: "empty queues" }).catch(() => {});
      return { result, drained };
    })());
    await load.stop();
    const idpCounts = pipeline.scim ? countByExternalId(pipeline.scim) : undefined;
    const figures = await checkPipeline(pipeline.db.sql, value.result.emails, value.result.invited, idpCounts);
    ctx.log(`${label}: ${figures.completed} completed, ${figures.completedPerSecond.toFixed(1)}/s; lost ${figures.lost}, duplicated ${figures.duplicated}`);
    return {
      title,
      requested: run.total,
      sent: value.result.emails.length + value.result.notAccepted.length,
      smtpDelayMs: run.smtpDelayMs,
      idpDelayMs: run.idpDelayMs,
      idp: pipeline.scim ? "scim (contract server)" : "local",
      load: value.result,
      pipeline: figures,
      drained: value.drained,
      usage,
      series: sampler.series,
    };
  });
}

function countByExternalId(scim: ScimServer): Map<string, number> {
  const counts = new Map<string, number>();
  for (const user of scim.users.values()) if (user.externalId) counts.set(user.externalId, (counts.get(user.externalId) ?? 0) + 1);
  return counts;
}

/** The rate run's probe: its addresses are probe-0, probe-1, ... in the order sent. */
const probePrefix = "probe";

/** Run 4: register latency at fixed rates, measured by a second client while a paced load of run 2's kind keeps the pipeline busy. */
export async function runRate(ctx: BenchContext, sizes: Sizes): Promise<RateFigures> {
  return withPipeline(ctx, "rate", undefined, async (pipeline, defer) => {
    const phases = sizes.rate.phases.map((p) => `${p.perSecond}/s for ${p.seconds} s`).join(", then ");
    const first = sizes.rate.phases.slice(0, 1);
    ctx.log(`rate: sign-ups at ${sizes.rate.busyPerSecond}/s in the background (each verified, as in run 2), and register at ${phases} on the side; the bare route at ${first[0]?.perSecond}/s beside it`);
    // The bare route's database is not the pipeline's: nothing consumes its events, but its commits
    // share the cluster's WAL and the cores with the busy pipeline, as the API's do.
    const baseDb = await createBenchDatabase(ctx.pg.url, "rate-baseline");
    defer(baseDb.drop);
    const baseline = await startBaseline(baseDb.url);
    defer(baseline.stop);
    const busy = e2eLoad(ctx, "rate-busy", pipeline, sizes.rate.busyLoad, sizes.e2e.concurrency, 0, sizes.e2e, sizes.rate.busyPerSecond);
    // The background client and its SMTP sink stand for users and a mail server on other machines:
    // at a lower priority they take the CPU the services leave, so the probe measures the services
    // rather than the harness (at 300/s its p50 went from 59–93 ms to 16–27 ms; the services' work is the same).
    if (busy.process.pid !== undefined) setPriority(busy.process.pid, backgroundNice);
    let probe: LoadProcess<RateResult> | undefined;
    let bareProbe: LoadProcess<RateResult> | undefined;
    const sampler = startSampler({
      track: () => [...stackProcesses(pipeline.stack), { label: "baseline server", group: "baseline" as const, pid: baseline.pid }, ...loadPids(busy, probe, bareProbe)],
      database: { "this run's database": pipeline.db.name, "baseline's database": baseDb.name },
      postgres: pipeline.db.sql,
      redis: { url: ctx.redis.url, prefix: pipeline.prefix },
    });
    const { value, usage } = await sampled(sampler, (async () => {
      await busy.event("load-started");
      // A few seconds in, so the queues have filled before the first measured request.
      await new Promise((resolve) => setTimeout(resolve, sizes.rate.leadSeconds * 1_000));
      probe = spawnLoad<RateResult>("rate-probe", { mode: "rate", url: pipeline.stack.apiUrl, phases: sizes.rate.phases, emailPrefix: probePrefix, timeoutMs: 30_000 }, ctx.log);
      bareProbe = spawnLoad<RateResult>("rate-baseline", { mode: "rate", url: baseline.url, phases: first, emailPrefix: "bare", timeoutMs: 30_000 }, ctx.log);
      const [rate, bare] = await Promise.all([probe.result, bareProbe.result]);
      return { rate, baseline: bare.phases[0], busyThroughout: !busy.finished() };
    })());
    await busy.stop();
    // The first phase's own sign-ups bound the window of the steady figures.
    const firstPhase = value.rate.phases[0]?.sent ?? 0;
    const steady = await stagesDuring(pipeline.db.sql, Array.from({ length: firstPhase }, (_, i) => benchAddress(probePrefix, i)));
    const logPhase = (who: string, p: RatePhaseResult) =>
      ctx.log(`rate: ${who}${p.perSecond}/s → p50 ${p.latency.p50.toFixed(0)} ms, p99 ${p.latency.p99.toFixed(0)} ms (${p.ok}/${p.sent} accepted)`);
    for (const phase of value.rate.phases) logPhase("", phase);
    if (value.baseline) logPhase("the bare route at ", value.baseline);
    return { ...value, busyPerSecond: sizes.rate.busyPerSecond, steady, usage, series: sampler.series };
  });
}
