import { Queue } from "bullmq";
import type postgres from "postgres";
import { Redis } from "ioredis";
import { allQueueNames } from "@signup/contracts";
import { cpuSeconds, findProcesses, machineCpu, rssMb } from "./proc-stats.ts";

export type Group = "service" | "load" | "baseline" | "postgres" | "redis";
export type Tracked = { label: string; group: Group; pid: number };
export type ProcessUsage = { label: string; group: Group; cpuSeconds: number; peakRssMb: number | undefined };
/** PostgreSQL backends' CPU seconds by the client that opened them (its application_name). */
export type ClientUsage = { client: string; cpuSeconds: number };
export type Usage = { wallSeconds: number; machineBusySeconds: number; processes: ProcessUsage[]; postgresClients: ClientUsage[] };
/** Seconds since the sampler started, and each queue's waiting + active + delayed jobs then. */
export type QueueSeries = { t: number[]; queues: Record<string, number[]> };

export type SamplerOptions = {
  /** The processes to watch; asked at every tick, so processes spawned later are picked up. */
  track: () => Tracked[];
  /**
   * This run's database(s): their PostgreSQL backends are found by their process title. A label
   * per database when a run has two (the API's and the baseline's), else "this run's database".
   */
  database: string | Record<string, string>;
  redis: { url: string; prefix?: string };
  /** A connection to the same server, to name each backend's client from pg_stat_activity. */
  postgres: postgres.Sql;
  intervalMs?: number;
};

type PidState = { label: string; group: Group; firstCpu: number; lastCpu: number; peakRss: number | undefined };

/**
 * Every 250 ms: CPU and RSS of each tracked process (from /proc), the machine's busy time, and,
 * when a queue prefix is given, each queue's depth. Runs in the orchestrator, whose event loop
 * has nothing else to do while a load runs in its own process.
 */
export function startSampler(options: SamplerOptions) {
  const intervalMs = options.intervalMs ?? 250;
  const started = performance.now();
  const machineStart = machineCpu();
  const pids = new Map<number, PidState>();
  const series: QueueSeries = { t: [], queues: Object.fromEntries(allQueueNames.map((name) => [name, []])) };
  const connection = options.redis.prefix ? new Redis(options.redis.url, { maxRetriesPerRequest: 1 }) : undefined;
  const queues = connection ? allQueueNames.map((name) => new Queue(name, { connection, prefix: options.redis.prefix })) : [];
  const redisPort = new URL(options.redis.url).port || "6379";
  const redisPids = findProcesses(["redis-server", `:${redisPort}`]);
  const databases = typeof options.database === "string" ? { "this run's database": options.database } : options.database;
  let backends: Array<{ pid: number; label: string }> = [];
  const clientOf = new Map<number, string>();
  let ticks = 0;
  let queueCallPending = false;
  let clientCallPending = false;

  const observe = (pid: number, label: string, group: Group, withRss: boolean) => {
    const cpu = cpuSeconds(pid);
    if (cpu === undefined) return;
    const state = pids.get(pid) ?? { label, group, firstCpu: cpu, lastCpu: cpu, peakRss: undefined };
    state.lastCpu = cpu;
    const rss = withRss ? rssMb(pid) : undefined;
    if (rss !== undefined) state.peakRss = Math.max(state.peakRss ?? 0, rss);
    pids.set(pid, state);
  };

  const tick = (withQueues = true) => {
    // A backend's title is "postgres: <cluster>: <user> <database> <client> <state>"; the
    // connections of a pool stay open, so looking for new ones once a second is enough.
    if (ticks++ % 4 === 0) {
      backends = Object.entries(databases).flatMap(([label, name]) => findProcesses(["postgres: ", ` ${name} `]).map((pid) => ({ pid, label: `postgres backends (${label})` })));
      if (!clientCallPending) {
        clientCallPending = true;
        options.postgres<Array<{ pid: number; client: string }>>`
          select pid, application_name as client from pg_stat_activity where datname = any(${Object.values(databases)})`
          .then((rows) => rows.forEach((row) => clientOf.set(row.pid, row.client || "unnamed")))
          .catch(() => {}) // an unnamed backend is reported as such, not a failed run
          .finally(() => (clientCallPending = false));
      }
    }
    for (const tracked of options.track()) observe(tracked.pid, tracked.label, tracked.group, true);
    // Shared memory makes a backend's RSS meaningless, so only their CPU is kept.
    for (const backend of backends) observe(backend.pid, backend.label, "postgres", false);
    for (const pid of redisPids) observe(pid, "redis-server (shared by every run)", "redis", false);
    if (!withQueues || queues.length === 0 || queueCallPending) return;
    queueCallPending = true;
    const at = (performance.now() - started) / 1_000;
    Promise.all(queues.map((queue) => queue.getJobCounts("wait", "prioritized", "active", "delayed")))
      .then((counts) => {
        series.t.push(Number(at.toFixed(2)));
        allQueueNames.forEach((name, i) => {
          const count = counts[i] ?? {};
          series.queues[name]?.push((count.wait ?? 0) + (count.prioritized ?? 0) + (count.active ?? 0) + (count.delayed ?? 0));
        });
      })
      .catch(() => {}) // a missed sample is a gap in the chart, not a failed run
      .finally(() => (queueCallPending = false));
  };
  tick();
  const timer = setInterval(() => tick(), intervalMs);

  return {
    series,
    async stop(): Promise<Usage> {
      clearInterval(timer);
      tick(false);
      await Promise.all(queues.map((queue) => queue.close()));
      connection?.disconnect();
      const byLabel = new Map<string, ProcessUsage>();
      const byClient = new Map<string, number>();
      for (const [pid, state] of pids) {
        const used = state.lastCpu - state.firstCpu;
        if (state.group === "postgres") {
          const client = clientOf.get(pid) ?? "unnamed";
          byClient.set(client, (byClient.get(client) ?? 0) + used);
        }
        const usage = byLabel.get(state.label) ?? { label: state.label, group: state.group, cpuSeconds: 0, peakRssMb: undefined };
        usage.cpuSeconds += used;
        if (state.peakRss !== undefined) usage.peakRssMb = Math.max(usage.peakRssMb ?? 0, state.peakRss);
        byLabel.set(state.label, usage);
      }
      return {
        wallSeconds: (performance.now() - started) / 1_000,
        machineBusySeconds: machineCpu().busy - machineStart.busy,
        processes: [...byLabel.values()],
        postgresClients: [...byClient].map(([client, cpuSeconds]) => ({ client, cpuSeconds })),
      };
    },
  };
}

/** Waits for `work`, then stops the sampler (also when the work fails) and hands back both. */
export async function sampled<T>(sampler: ReturnType<typeof startSampler>, work: Promise<T>): Promise<{ value: T; usage: Usage }> {
  try {
    const value = await work;
    return { value, usage: await sampler.stop() };
  } catch (error) {
    await sampler.stop();
    throw error;
  }
}
