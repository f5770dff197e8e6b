import type { Latency, RatePhaseResult } from "./load/protocol.ts";
import type { Machine } from "./machine.ts";
import type { PasswordFigures } from "./run-password.ts";
import type { RegisterFigures, Side } from "./run-register.ts";
import type { E2eFigures, RateFigures } from "./run-e2e.ts";
import type { Usage } from "./sampler.ts";

const f0 = (n: number) => n.toFixed(0);
const f1 = (n: number) => n.toFixed(1);
const pp = (l: Latency) => `${f1(l.p50)} / ${f1(l.p99)}`;
const row = (cells: Array<string | number>) => `| ${cells.join(" | ")} |`;

export function machineSection(m: Machine): string[] {
  return [
    "## Machine",
    "",
    row(["cores", "memory", "CPU", "Node", "load average (1 min) at start"]),
    row(["---", "---", "---", "---", "---"]),
    row([m.cores, `${f1(m.memoryGb)} GiB`, m.cpuModel, m.node, m.loadAverage.toFixed(2)]),
    "",
    `- PostgreSQL: ${m.postgres} (${m.postgresSource})`,
    `- Redis: ${m.redis} (${m.redisSource})`,
    `- Packages: ${Object.entries(m.packages).map(([name, version]) => `${name} ${version}`).join(", ")}`,
    "",
  ];
}

export function registerSection(r: RegisterFigures): string[] {
  const rows = (s: Side) => `${s.rows.signUps} / ${s.rows.users} / ${s.rows.outbox} / ${s.rows.auditLog}`;
  const side = (name: string, s: Side) =>
    row([name, f0(s.result.perSecond), f1(s.result.latency.p50), f1(s.result.latency.p99), f1(s.result.latency.max), s.result.failed, f1(s.serverCpuMs), f1(s.postgresCpuMs), rows(s)]);
  return [
    "## 1. Register against a bare baseline",
    "",
    `${r.api.result.latency.count} sign-ups each (after the same warm-up), 50 keep-alive connections, a closed loop, one client process`,
    `alternating between the two in ${r.rounds} rounds (A B, B A, ...) so that other work on the machine weighs on both alike. "API" is`,
    "the API process alone (LOG_LEVEL=warn, no rate limit); \"baseline\" is `test/bench/baseline-server.ts`: fastify without logger",
    "or validation and plain postgres.js running the same statements on the same tables in one transaction, under the services' heap caps.",
    "",
    row(["", "sign-ups/s", "p50 ms", "p99 ms", "max ms", "non-202", "server CPU ms per sign-up", "PostgreSQL CPU ms per sign-up", "rows per sign-up (sign_ups / users / outbox / audit_log)"]),
    row(["---", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---"]),
    side("API", r.api),
    side("baseline", r.baseline),
    "",
    `Ratio ${r.ratio.toFixed(2)}: the API does ${f0(r.ratio * 100)} % of the bare route's sign-ups per second. By CPU per sign-up (server and`,
    `its PostgreSQL backends, which other work on the machine hardly moves) the ratio is ${r.cpuRatio.toFixed(2)}. The difference is the cost of our`,
    "layers per request: zod validation, drizzle's query building and row mapping, fastify hooks, logging and metrics.",
    "",
  ];
}

export function e2eSection(runs: E2eFigures[]): string[] {
  if (runs.length === 0) return [];
  const line = (label: string, pick: (e: E2eFigures) => string | number) => row([label, ...runs.map(pick)]);
  return [
    "## 2–3. End to end",
    "",
    "Each sign-up: register (HTTP) → provisioned at the IdP → verification mail at the SMTP sink → the link POSTed (Accept: JSON)",
    "→ onboarded (every 10th address also joins the team that invited it, invites made before the clock starts). 50 requests in",
    "flight; a slot verifies a mailed address when one is waiting, else registers the next. Stage times come from `audit_log.at`.",
    "",
    row(["", ...runs.map((e) => e.title)]),
    row(["---", ...runs.map(() => "---:")]),
    line("sign-ups sent (of those asked for) / IdP", (e) => `${e.sent}${e.sent < e.requested ? ` (of ${e.requested}: time budget)` : ""} / ${e.idp}`),
    line("completed (onboarded, every stage once)", (e) => e.pipeline.completed),
    line("**completed/s** (first register → last onboarding)", (e) => `**${f1(e.pipeline.completedPerSecond)}** (${f1(e.pipeline.seconds)} s)`),
    line("lost / duplicated", (e) => `${e.pipeline.lost} / ${e.pipeline.duplicated}`),
    line("accept (HTTP register) p50 / p99 ms", (e) => pp(e.load.register)),
    line("verify (HTTP POST link) p50 / p99 ms", (e) => pp(e.load.verify)),
    line("mail delivered after accept p50 / p99 ms", (e) => pp(e.pipeline.stages.mailAfterAccept)),
    line("provisioned after accept p50 / p99 ms", (e) => pp(e.pipeline.stages.provisionedAfterAccept)),
    line("onboarded after verify p50 / p99 ms", (e) => pp(e.pipeline.stages.onboardedAfterVerify)),
    line("register non-202 / verify failures", (e) => `${e.load.registerFailed} / ${e.load.verifyFailed}`),
    line("mails at the sink (most to one address)", (e) => `${e.load.mails} (${e.load.maxMailsPerAddress})`),
    line("drained before the wait ran out", (e) => (e.drained ? "yes" : "**no**")),
    "",
    ...runs.flatMap((e) => e.pipeline.problems.map((p) => `- ${e.title}: ${p}`)),
    "",
  ];
}

/** One open-loop phase's row of run 4's table. */
const phaseRow = (prefix: string, p: RatePhaseResult) =>
  row([`${prefix}${p.perSecond}/s for ${p.seconds} s`, p.sent, p.ok, p.failed, p.timedOut, f1(p.latency.p50), f1(p.latency.p99), f1(p.latency.max), f1(p.maxSendLagMs)]);

export function rateSection(r: RateFigures): string[] {
  return [
    "## 4. Register latency at a fixed rate, pipeline busy",
    "",
    "A second client process sends POST /account/register on a fixed schedule (open loop: latency counts from the scheduled",
    `send time, so a slow server cannot hide its queueing) while the background load of run 2's kind, paced at ${r.busyPerSecond} sign-ups/s`,
    "(each also verified by its link, every 10th onboarded into a team), keeps the relay, the workers and PostgreSQL busy.",
    "That background client (with its SMTP sink) runs at nice 10: it stands for users and a mail server on other machines.",
    `The background load was ${r.busyThroughout ? "still running when the last phase ended" : "**finished before the last phase ended**"}.`,
    "",
    row(["rate", "sent", "202", "failed", "timed out", "p50 ms", "p99 ms", "max ms", "client's own worst send lag ms"]),
    row(["---", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:"]),
    ...r.rate.phases.map((p) => phaseRow("", p)),
    ...(r.baseline ? [phaseRow("bare route, ", r.baseline)] : []),
    "",
    ...(r.baseline
      ? [
          "\"Bare route\" is run 1's baseline server (the API's statements without our layers) on a database of its own, probed by a",
          "third client at the first phase's rate during that phase: what any code running these statements meets on this machine",
          "while the pipeline works beside it (its commits share the cluster's WAL, its requests the two cores).",
          "",
        ]
      : []),
    `What a user waits for at this steady load: the stages of the ${r.steady.signUps} sign-ups (the probe's and the background's)`,
    "registered while the first phase ran, from `audit_log.at` as in runs 2-3, where a backlog drains instead.",
    "",
    row(["stage", "sign-ups", "p50 ms", "p99 ms", "max ms"]),
    row(["---", "---:", "---:", "---:", "---:"]),
    ...(
      [
        ["mail delivered after accept", r.steady.mailAfterAccept],
        ["provisioned after accept", r.steady.provisionedAfterAccept],
        ["onboarded after verify (the background's)", r.steady.onboardedAfterVerify],
      ] as const
    ).map(([stage, l]) => row([stage, l.count, f1(l.p50), f1(l.p99), f1(l.max)])),
    "",
  ];
}

export function passwordSection(p: PasswordFigures): string[] {
  return [
    "## 5. Passwords (argon2id)",
    "",
    "`SIGNUP_FIELDS=email:required,password:required`, API alone, 8 at a time, beside the bare `@node-rs/argon2` hash",
    "(the API's own options and copy of the package) with 8 in flight, in the same client process, and beside run 1's bare",
    "route hashing each password with the API's own `hashPassword` before its statements, all three taking turns (A B C, C B A).",
    "",
    row(["", "per second", "p50 ms", "p99 ms", "count", "CPU ms each"]),
    row(["---", "---:", "---:", "---:", "---:", "---:"]),
    row(["register with a password", f1(p.register.perSecond), f1(p.register.latency.p50), f1(p.register.latency.p99), p.register.latency.count, `${f1(p.apiCpuMs)} API + ${f1(p.postgresCpuMs)} PostgreSQL`]),
    row(["bare route with a password", f1(p.baseline.perSecond), f1(p.baseline.latency.p50), f1(p.baseline.latency.p99), p.baseline.latency.count, `${f1(p.baselineCpuMs)} server + ${f1(p.baselinePostgresCpuMs)} PostgreSQL`]),
    row(["bare argon2id hash", f1(p.argon2.perSecond), f1(p.argon2.latency.p50), f1(p.argon2.latency.p99), p.argon2.latency.count, f1(p.argon2.clientCpuMs)]),
    "",
    `Ratio ${p.ratio.toFixed(2)}: the share of the bare hash rate a password sign-up reaches (1.00 = the hash is all it costs);`,
    `by CPU per operation, which other work on the machine hardly moves, ${p.cpuRatio.toFixed(2)}. The bare route reaches`,
    `${p.baselineRatio.toFixed(2)}: the statements and their PostgreSQL work, on the cores the hashes use, cost that much without our layers.`,
    "",
  ];
}

/** CPU seconds by group, and what the rest of the machine did meanwhile. */
export function usageOf(usage: Usage) {
  const ours = usage.processes.reduce((sum, p) => sum + p.cpuSeconds, 0);
  return { ours, other: Math.max(0, usage.machineBusySeconds - ours) };
}

export function resourcesSection(runs: Array<{ name: string; usage: Usage }>): string[] {
  const out = [
    "## 6. Resources",
    "",
    "Sampled every 250 ms from /proc: CPU seconds (utime + stime) used during the run and peak RSS of each process. PostgreSQL",
    "backends are those of the run's own database (RSS left out: shared buffers). Redis is the shared server, so its CPU may",
    "include other users'. \"Elsewhere\" = the machine's busy CPU time minus everything listed: other work on the machine.",
    "",
  ];
  for (const run of runs) {
    const { other } = usageOf(run.usage);
    const wall = run.usage.wallSeconds;
    out.push(`**${run.name}** (${f1(wall)} s)`, "", row(["process", "CPU s", "% of one core", "peak RSS MB"]), row(["---", "---:", "---:", "---:"]));
    for (const p of [...run.usage.processes].sort((a, b) => b.cpuSeconds - a.cpuSeconds)) {
      out.push(row([p.label, f1(p.cpuSeconds), f0((p.cpuSeconds / wall) * 100), p.peakRssMb === undefined ? "–" : f0(p.peakRssMb)]));
    }
    out.push(row(["elsewhere on the machine", f1(other), f0((other / wall) * 100), "–"]), "");
    const clients = run.usage.postgresClients.filter((c) => c.cpuSeconds >= 0.05).sort((a, b) => b.cpuSeconds - a.cpuSeconds);
    if (clients.length > 0) out.push(`PostgreSQL CPU s by the client behind each backend (its application_name): ${clients.map((c) => `${c.client} ${f1(c.cpuSeconds)}`).join(", ")}.`, "");
  }
  return out;
}
