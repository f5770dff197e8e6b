import { benchRuntime } from "./bench-env.ts";
import type { Machine } from "./machine.ts";
import type { Options, RunName } from "./options.ts";
import { e2eSection, machineSection, passwordSection, rateSection, registerSection, resourcesSection, usageOf } from "./report-sections.ts";
import type { PasswordFigures } from "./run-password.ts";
import type { RegisterFigures } from "./run-register.ts";
import type { E2eFigures, RateFigures } from "./run-e2e.ts";
import type { Group, Usage } from "./sampler.ts";

export type SuiteResults = {
  register?: RegisterFigures;
  e2e?: E2eFigures;
  slow?: E2eFigures;
  rate?: RateFigures;
  password?: PasswordFigures;
  failures: Array<{ run: RunName; message: string }>;
};

/** Every process sample of the suite, labelled by run, for the resources table and the RSS figure. */
export function usages(results: SuiteResults): Array<{ name: string; usage: Usage }> {
  const out: Array<{ name: string; usage: Usage }> = [];
  if (results.register) out.push({ name: "1. register: API and baseline, alternating", usage: results.register.usage });
  if (results.e2e) out.push({ name: "2. end to end", usage: results.e2e.usage });
  if (results.slow) out.push({ name: "3. end to end, slow SMTP and IdP", usage: results.slow.usage });
  if (results.rate) out.push({ name: "4. fixed rate, pipeline busy", usage: results.rate.usage });
  if (results.password) out.push({ name: "5. passwords", usage: results.password.usage });
  return out;
}

const maxServiceRss = (results: SuiteResults) =>
  Math.max(0, ...usages(results).flatMap((u) => u.usage.processes.filter((p) => p.group === "service").map((p) => p.peakRssMb ?? 0)));

/** The report's first six lines, read by scripts: "n/a" where a run was skipped or failed. */
export function headline(results: SuiteResults): string[] {
  const na = "n/a";
  const fivePerSecond = results.rate?.rate.phases.find((p) => p.perSecond === 5);
  const rss = maxServiceRss(results);
  return [
    `register/baseline ratio: ${results.register ? results.register.ratio.toFixed(2) : na}`,
    `end-to-end completed/s: ${results.e2e ? results.e2e.pipeline.completedPerSecond.toFixed(0) : na}`,
    `end-to-end completed/s with slow smtp and idp: ${results.slow ? results.slow.pipeline.completedPerSecond.toFixed(0) : na}`,
    `register p99 at 5/s ms: ${fivePerSecond ? fivePerSecond.latency.p99.toFixed(0) : na}`,
    `password/argon2 ratio: ${results.password ? results.password.ratio.toFixed(2) : na}`,
    `max service RSS MB: ${rss > 0 ? rss.toFixed(0) : na}`,
  ];
}

/**
 * What the run's CPU per completed sign-up allows at most on this machine: the limit a faster
 * pipeline must move (on 2 cores, 500 sign-ups/s leaves 4 ms of CPU for each, PostgreSQL included).
 */
function cpuCeiling(run: E2eFigures, cores: number): string {
  const perSignUp = (groups: Group[]) =>
    (run.usage.processes.filter((p) => groups.includes(p.group)).reduce((sum, p) => sum + p.cpuSeconds, 0) * 1_000) / run.pipeline.completed;
  const system = perSignUp(["service", "postgres", "redis"]);
  const top = run.usage.processes
    .filter((p) => p.group !== "load")
    .sort((a, b) => b.cpuSeconds - a.cpuSeconds)
    .slice(0, 3)
    .map((p) => `${p.label} ${((p.cpuSeconds * 1_000) / run.pipeline.completed).toFixed(1)}`);
  return (
    `${run.title}: ${system.toFixed(1)} ms of CPU per completed sign-up in the services, PostgreSQL and Redis (${top.join(", ")}) ` +
    `and ${perSignUp(["load"]).toFixed(1)} ms in the load generators: with all ${cores} cores on the services alone, at most ` +
    `${((cores * 1_000) / Math.max(1e-9, system)).toFixed(0)} sign-ups/s on this machine.`
  );
}

/** Things a reader should know before trusting the figures, worked out from the samples. */
function observations(machine: Machine, results: SuiteResults): string[] {
  const notes: string[] = [];
  if (machine.loadAverage > machine.cores / 2) {
    notes.push(`The 1-minute load average was ${machine.loadAverage.toFixed(2)} on ${machine.cores} cores when the suite started: other work was running.`);
  }
  for (const { name, usage } of usages(results)) {
    const { ours, other } = usageOf(usage);
    const capacity = usage.wallSeconds * machine.cores;
    const top = [...usage.processes].sort((a, b) => b.cpuSeconds - a.cpuSeconds).slice(0, 3);
    const share = (s: number) => `${((s / Math.max(1e-9, usage.machineBusySeconds)) * 100).toFixed(0)} %`;
    notes.push(
      `${name}: the machine was ${((usage.machineBusySeconds / capacity) * 100).toFixed(0)} % busy; ${top.map((p) => `${p.label} ${share(p.cpuSeconds)}`).join(", ")} of that` +
        (other > 0.15 * usage.machineBusySeconds ? `; **${share(other)} was other work on the machine** (${other.toFixed(1)} CPU-s, not this run's)` : "") +
        ` (this run's processes: ${ours.toFixed(1)} CPU-s).`,
    );
  }
  const reg = results.register;
  if (reg && reg.api.postgresCpuMs > 1.3 * reg.baseline.postgresCpuMs) {
    notes.push(
      `Run 1: PostgreSQL spent ${reg.api.postgresCpuMs.toFixed(1)} ms of CPU per sign-up for the API and ${reg.baseline.postgresCpuMs.toFixed(1)} ms for the baseline, ` +
        "with the same statements: were the API's prepared? drizzle's postgres-js driver prepares only queries given a name, and " +
        "our patch of it (patches/, applied by `pnpm install`) prepares every one; unprepared, each is parsed and planned again, after " +
        "a round trip of its own to describe its parameters, while the baseline's are prepared once per connection.",
    );
  }
  for (const run of [results.e2e, results.slow]) {
    const deepest = run ? Object.entries(run.series.queues).map(([name, depths]) => [name, Math.max(0, ...depths)] as const).sort((a, b) => b[1] - a[1])[0] : undefined;
    if (run && deepest && deepest[1] > 100) notes.push(`${run.title}: the ${deepest[0]} queue held up to ${deepest[1]} jobs: its worker was the slowest stage of that run.`);
  }
  for (const run of [results.e2e, results.slow]) {
    if (run && run.pipeline.completed > 0) notes.push(cpuCeiling(run, machine.cores));
  }
  for (const run of [results.e2e, results.slow]) {
    if (run && !run.drained) notes.push(`${run.title}: the pipeline had not drained when the wait ran out; "lost" counts what was still in flight.`);
  }
  for (const failure of results.failures) notes.push(`Run ${failure.run} failed: ${failure.message.split("\n")[0]}`);
  return notes.map((n) => `- ${n}`);
}

export function renderReport(input: { machine: Machine; options: Options; results: SuiteResults; startedAt: Date; seconds: number; svgName: string | undefined }): string {
  const { machine, results } = input;
  const e2eRuns = [results.e2e, results.slow].filter((run): run is E2eFigures => run !== undefined);
  const command = ["pnpm bench", ...input.options.argv].join(" ");
  return [
    ...headline(results),
    "",
    `# Benchmark ${input.startedAt.toISOString().slice(0, 10)}, commit ${machine.commit}${machine.dirty ? " (with uncommitted changes)" : ""}`,
    "",
    `\`${command}\` started ${input.startedAt.toISOString()} and took ${input.seconds.toFixed(0)} s. Runs: ${input.options.runs.join(", ")}${input.options.quick ? " (quick sizes: a smoke run, not figures to compare)" : ""}.`,
    "Every run has a database of its own (created empty, then migrated) and a BullMQ prefix of its own; services run as",
    `separate processes as in production (${benchRuntime === "dist" ? "the compiled dist/ build with the heap caps of `pnpm start`, workers at a lower CPU priority than the API" : "from the TypeScript sources through tsx, as in the tests"}),`,
    "the load from separate processes; everything on 127.0.0.1.",
    "",
    ...machineSection(machine),
    ...(results.register ? registerSection(results.register) : []),
    ...e2eSection(e2eRuns),
    ...(input.svgName ? [`Queue depths, sampled every 250 ms: [${input.svgName}](${input.svgName})`, "", `![queue depths](${input.svgName})`, ""] : []),
    ...(results.rate ? rateSection(results.rate) : []),
    ...(results.password ? passwordSection(results.password) : []),
    ...resourcesSection(usages(results)),
    "## Observations",
    "",
    ...observations(machine, results),
    "",
  ].join("\n");
}
