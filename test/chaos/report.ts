import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { BacklogSample } from "./backlog.ts";
import type { BacklogPart, FaultRecord } from "./faults.ts";
import type { LoadResult, VerifierStats } from "./load.ts";
import type { SetCheckResult } from "./set-check.ts";
import type { Crash } from "./supervisor.ts";

/**
 * How long the pipeline took to get back to steady state after a fault: from the fault's end until
 * the backlog the fault holds up (its queue, the outbox, or all of it) first drops below what it
 * was just before the fault began, or to zero. `peak` is the highest value from the fault's start
 * until then.
 */
export type Drain = { fault: string; part: BacklogPart; before: number; peak: number; seconds: number | undefined };

const partOf = (sample: BacklogSample, part: BacklogPart) => (part === "all" ? sample.total : part === "outbox" ? sample.outbox : (sample.queues[part] ?? 0));

export function drainAfter(fault: FaultRecord, samples: readonly BacklogSample[]): Drain {
  const part = fault.affects;
  const last = samples.filter((s) => s.at <= fault.startedAt).at(-1);
  const before = last ? partOf(last, part) : 0;
  let peak = before;
  for (const sample of samples) {
    if (sample.at < fault.startedAt) continue;
    const value = partOf(sample, part);
    peak = Math.max(peak, value);
    if (sample.at >= fault.endedAt && (value < before || value === 0)) {
      return { fault: fault.name, part, before, peak, seconds: (sample.at - fault.endedAt) / 1_000 };
    }
  }
  return { fault: fault.name, part, before, peak, seconds: undefined };
}

export type RunSummary = {
  signups: number;
  concurrency: number;
  quick: boolean;
  invited: number;
  postgres: string;
  redisPort: number;
  commit: string;
  dirty: boolean;
  startedAt: Date;
  totalSeconds: number;
  logFile: string;
  load: LoadResult;
  verifier: VerifierStats;
  faults: readonly FaultRecord[];
  drains: readonly Drain[];
  samples: readonly BacklogSample[];
  /** How the wait for the pipeline to finish ended, after the load and the faults. */
  settle: { seconds: number; outcome: string };
  crashes: readonly Crash[];
  deadLetters: ReadonlyArray<{ queue: string; count: number; reasons: string[] }>;
  check: SetCheckResult;
  /** Relative to the repository's root. */
  reportPath: string;
};

const fmt = (seconds: number | undefined) => (seconds === undefined ? "not drained" : `${seconds.toFixed(1)} s`);
const kinds = (byKind: Map<string, number>, always: readonly string[] = []) => {
  const entries = new Map<string, number>(always.map((kind) => [kind, 0]));
  for (const [kind, n] of byKind) entries.set(kind, n);
  return [...entries].map(([kind, n]) => `${kind} ${n}`).join(", ");
};
const tally = (map: ReadonlyMap<string, number>) => [...map].map(([key, n]) => `${key}×${n}`).join(", ");

/** Exit non-zero for any failed address, loss, duplicate, audit gap or crash. */
export function verdictFails(summary: RunSummary): boolean {
  const { byCategory, failed } = summary.check;
  return failed > 0 || byCategory.lost.addresses > 0 || byCategory.duplicated.addresses > 0 || byCategory.audit_gap.addresses > 0 || summary.crashes.length > 0;
}

/** The printed summary; its last line is `chaos: N passed, M failed`. */
export function summaryLines(summary: RunSummary): string[] {
  const { load, verifier, check } = summary;
  const non202 = [...load.non202.values()].reduce((a, b) => a + b, 0);
  const crashesBy = new Map<string, number>();
  for (const crash of summary.crashes) crashesBy.set(crash.service, (crashesBy.get(crash.service) ?? 0) + 1);
  const lines = [
    `accepted ${load.accepted.length} of ${summary.signups} in ${((load.endedAt - load.startedAt) / 1_000).toFixed(1)} s (non-202 answers ${non202}${non202 ? `: ${tally(load.non202)}` : ""}; rejected after 3 retries ${load.rejected.length})`,
    `verification clicks: ${verifier.verified} verified, ${verifier.alreadyUsed} token_used (a later mail of a verified address), ${verifier.retried} retried, failed ${[...verifier.failed.values()].reduce((a, b) => a + b, 0)}${verifier.failed.size ? ` (${tally(verifier.failed)})` : ""}`,
    `settled: ${summary.settle.outcome} after ${summary.settle.seconds.toFixed(1)} s`,
    `dead letters: ${summary.deadLetters.map((d) => `${d.queue} ${d.count}`).join(", ")}`,
    `lost ${check.byCategory.lost.addresses}${check.byCategory.lost.addresses ? ` (by kind: ${kinds(check.byCategory.lost.byKind)})` : ""}`,
    `duplicated ${check.byCategory.duplicated.addresses} (by kind: ${kinds(check.byCategory.duplicated.byKind, ["users", "idp", "user.onboarded"])})`,
    `audit gaps ${check.byCategory.audit_gap.addresses}${check.byCategory.audit_gap.addresses ? ` (by kind: ${kinds(check.byCategory.audit_gap.byKind)})` : ""}`,
    ...(check.byCategory.unexpected.addresses
      ? [`unexpected ${check.byCategory.unexpected.addresses} (by kind: ${kinds(check.byCategory.unexpected.byKind)})`]
      : []),
    `crashed services ${summary.crashes.length}${summary.crashes.length ? ` (${tally(crashesBy)}; logs in ${summary.logFile})` : ""}`,
    ...summary.drains.map((drain) => `drain after ${drain.fault}: ${fmt(drain.seconds)}`),
    `extra verification mails ${check.extraMails.mails} (on ${check.extraMails.addresses} addresses)`,
  ];
  const failing = check.checks.filter((c) => c.problems.length > 0).slice(0, 5);
  for (const c of failing)
    lines.push(
      `  failed ${c.email}${c.userId ? ` (user ${c.userId})` : ""}: ${c.problems.map((p) => `${p.category}/${p.kind}${p.detail ? ` [${p.detail}]` : ""}`).join("; ")}`,
    );
  lines.push(`report: ${summary.reportPath}`);
  lines.push(`chaos: ${check.passed} passed, ${check.failed} failed`);
  return lines;
}

/** Writes the summary, a table of drains, crashes, dead letters and failing addresses to `file`. */
export function writeMarkdown(summary: RunSummary, lines: readonly string[], file: string): void {
  const at = (ms: number) => `+${((ms - summary.startedAt.getTime()) / 1_000).toFixed(1)} s`;
  const md: string[] = [
    `# pnpm chaos — ${summary.startedAt.toISOString()}`,
    "",
    `Commit \`${summary.commit}\`${summary.dirty ? " (with uncommitted changes)" : ""}; ${summary.signups} sign-ups (${summary.invited} invited to a team), ${summary.concurrency} at a time${summary.quick ? ", --quick" : ""}; PostgreSQL: ${summary.postgres}; Redis: own redis-server with AOF on port ${summary.redisPort}; whole run ${summary.totalSeconds.toFixed(0)} s. Times below are from the start of the run.`,
    "",
    "## Summary",
    "",
    "```",
    ...lines,
    "```",
    "",
    "## Drain after each fault",
    "",
    "Backlog = waiting + delayed + active jobs of a queue (provisioning, mail, onboarding), unpublished outbox rows, or all of them together. Each fault is measured on the part it holds up; drain = from the fault's end until that backlog first drops below its value just before the fault, or to zero.",
    "",
    "| fault | started | ended | measured on | backlog before | peak | drain | what happened |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ...summary.faults.map((fault, i) => {
      const drain = summary.drains[i];
      return `| ${fault.name} | ${at(fault.startedAt)} | ${at(fault.endedAt)} | ${fault.affects === "all" ? "queues + outbox" : fault.affects} | ${drain?.before ?? "?"} | ${drain?.peak ?? "?"} | ${fmt(drain?.seconds)} | ${fault.detail.replaceAll("|", "\\|")} |`;
    }),
    "",
  ];
  md.push(...timeline(summary, at));
  if (summary.crashes.length > 0) {
    md.push("## Crashed services", "", "| service | pid | exit code | signal | at | uptime |", "| --- | --- | --- | --- | --- | --- |");
    for (const crash of summary.crashes)
      md.push(
        `| ${crash.service} | ${crash.pid ?? "?"} | ${crash.code ?? "-"} | ${crash.signal ?? "-"} | ${at(crash.at)} | ${(crash.uptimeMs / 1_000).toFixed(1)} s |`,
      );
    md.push("", `Logs: \`${summary.logFile}\``, "");
  }
  const letters = summary.deadLetters.filter((d) => d.count > 0);
  if (letters.length > 0) {
    md.push("## Dead letters", "");
    for (const d of letters) md.push(`- ${d.queue}: ${d.count}`, ...d.reasons.map((r) => `  - ${r}`));
    md.push("");
  }
  const failing = summary.check.checks.filter((c) => c.problems.length > 0);
  if (failing.length > 0) {
    md.push(`## Failing addresses (${failing.length}; the first 10 with their audit trail)`, "");
    for (const c of failing.slice(0, 10)) {
      md.push(
        `- \`${c.email}\` user \`${c.userId ?? "none"}\`${c.invited ? " (invited)" : ""}: ${c.problems.map((p) => `${p.category}/${p.kind}${p.detail ? ` — ${p.detail}` : ""}`).join("; ")}`,
      );
      for (const entry of (c.userId ? summary.check.trails.get(c.userId) : undefined) ?? []) md.push(`  - \`${entry}\``);
    }
    if (failing.length > 10)
      md.push(
        "",
        `…and ${failing.length - 10} more: ${failing
          .slice(10, 60)
          .map((c) => c.email)
          .join(", ")}${failing.length > 60 ? ", …" : ""}`,
      );
    md.push("");
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${md.join("\n")}\n`);
}

/** The backlog in 5-second steps (the highest value of each part in the step), with the faults beside it. */
function timeline(summary: RunSummary, at: (ms: number) => string): string[] {
  const first = summary.samples[0];
  const last = summary.samples.at(-1);
  if (!first || !last) return [];
  const stepMs = 5_000;
  const origin = first.at;
  const steps = new Map<number, { total: number; outbox: number; provisioning: number; mail: number; onboarding: number }>();
  for (const sample of summary.samples) {
    const key = Math.floor((sample.at - origin) / stepMs);
    const step = steps.get(key) ?? { total: 0, outbox: 0, provisioning: 0, mail: 0, onboarding: 0 };
    step.total = Math.max(step.total, sample.total);
    step.outbox = Math.max(step.outbox, sample.outbox);
    step.provisioning = Math.max(step.provisioning, sample.queues.provisioning ?? 0);
    step.mail = Math.max(step.mail, sample.queues.mail ?? 0);
    step.onboarding = Math.max(step.onboarding, sample.queues.onboarding ?? 0);
    steps.set(key, step);
  }
  const lastKey = Math.floor((last.at - origin) / stepMs);
  const rows = [
    "## Backlog over time",
    "",
    "Highest value in each 5 s step; no value while Redis was down or our connection had been terminated.",
    "",
    "| from | total | outbox | provisioning | mail | onboarding | faults |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (let key = 0; key <= lastKey; key++) {
    const from = origin + key * stepMs;
    const faults = summary.faults
      .filter((f) => f.endedAt >= from && f.startedAt < from + stepMs)
      .map((f) => f.name)
      .join(", ");
    const step = steps.get(key);
    rows.push(
      step
        ? `| ${at(from)} | ${step.total} | ${step.outbox} | ${step.provisioning} | ${step.mail} | ${step.onboarding} | ${faults} |`
        : `| ${at(from)} | – | – | – | – | – | ${faults} |`,
    );
  }
  rows.push("");
  return rows;
}
