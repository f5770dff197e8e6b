// `pnpm bench`: the project's benchmark suite. It measures; it does not pass or fail on speed.
// Five runs, each on a database and a queue prefix of its own, services as separate processes and
// the load from processes of its own, all on 127.0.0.1, bounded in count and time:
//   1 register   the API alone against a bare fastify + postgres.js route doing the same SQL
//   2 e2e        sign-ups pushed through every stage (registered → provisioned → mailed → verified → onboarded)
//   3 slow       the same with an SMTP server taking 200 ms per mail and an IdP (SCIM) 300 ms per request
//   4 rate       register latency at 5/s and 300/s (open loop) while a steady 50 sign-ups/s (as run 2's) keep the pipeline busy,
//                and run 1's bare route probed at 5/s beside it
//   5 password   sign-ups with argon2id passwords beside the bare hash rate and the bare route hashing the same way
// and, throughout, CPU and RSS of every process. Writes bench/results/<date>-<commit>.md (+ .svg).
//   pnpm bench [--quick] [--only register|e2e|slow|rate|password[,...]] [--signups N]
// Exits non-zero when a run loses or duplicates a sign-up, or fails.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "@signup/local-infra";
import { resolvePostgres, resolveRedis } from "../support/servers.ts";
import type { BenchContext } from "./bench-env.ts";
import { queueChart, type Panel } from "./chart.ts";
import { describeMachine } from "./machine.ts";
import { parseOptions, runNames, type Options, type RunName } from "./options.ts";
import { headline, renderReport, type SuiteResults } from "./report.ts";
import { runE2e, runRate } from "./run-e2e.ts";
import { runPassword } from "./run-password.ts";
import { runRegister } from "./run-register.ts";

let options: Options;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\nusage: pnpm bench [--quick] [--only ${runNames.join("|")}[,...]] [--signups N]\n`);
  process.exit(2);
}
const startedAt = new Date();
const elapsed = () => `${((Date.now() - startedAt.getTime()) / 1_000).toFixed(1).padStart(6)} s`;
const log = (line: string) => process.stdout.write(`[bench ${elapsed()}] ${line}\n`);

const [pg, redis] = await Promise.all([resolvePostgres(), resolveRedis()]);
const results: SuiteResults = { failures: [] };
let exitCode = 0;
try {
  const machine = await describeMachine(pg, redis);
  log(`${machine.cores} cores, ${machine.cpuModel}, Node ${machine.node}; PostgreSQL: ${pg.source}; Redis ${machine.redis}: ${redis.source}`);
  log(`runs: ${options.runs.join(", ")}${options.quick ? " (quick)" : ""}; load average ${machine.loadAverage.toFixed(2)}`);
  const ctx: BenchContext = { pg, redis, log };
  const { sizes } = options;
  const attempt = async (run: RunName, work: () => Promise<void>) => {
    log(`— run ${run} —`);
    try {
      await work();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      results.failures.push({ run, message });
      log(`run ${run} failed: ${message}`);
    }
  };
  const work: Record<RunName, () => Promise<void>> = {
    register: async () => {
      results.register = await runRegister(ctx, sizes.register);
    },
    e2e: async () => {
      results.e2e = await runE2e(ctx, "e2e", sizes);
    },
    slow: async () => {
      results.slow = await runE2e(ctx, "slow", sizes);
    },
    rate: async () => {
      results.rate = await runRate(ctx, sizes);
    },
    password: async () => {
      results.password = await runPassword(ctx, sizes.password);
    },
  };
  for (const run of options.runs) await attempt(run, work[run]);

  const seconds = (Date.now() - startedAt.getTime()) / 1_000;
  // A full default run owns the plain name; a quick or partial run says so in its name.
  const suffix = `${options.quick ? "-quick" : ""}${options.runs.length < runNames.length ? `-${options.runs.join("+")}` : ""}`;
  const name = `${startedAt.toISOString().slice(0, 10)}-${machine.commit}${suffix}`;
  const dir = join(repoRoot, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const panels: Panel[] = [
    ...(results.e2e ? [{ title: `2. ${results.e2e.title}: ${results.e2e.sent} sign-ups`, series: results.e2e.series }] : []),
    ...(results.slow ? [{ title: `3. ${results.slow.title}: ${results.slow.sent} sign-ups`, series: results.slow.series }] : []),
    ...(results.rate ? [{ title: "4. fixed-rate probe beside 50 sign-ups/s in the background (stopped after the probe)", series: results.rate.series }] : []),
  ];
  const svgName = panels.length > 0 ? `${name}.svg` : undefined;
  if (svgName) writeFileSync(join(dir, svgName), queueChart(panels));
  writeFileSync(join(dir, `${name}.md`), renderReport({ machine, options, results, startedAt, seconds, svgName }));

  log(`report: bench/results/${name}.md${svgName ? ` (chart: bench/results/${svgName})` : ""}`);
  process.stdout.write(`\n${headline(results).join("\n")}\n`);
  for (const run of [results.e2e, results.slow]) {
    if (!run) continue;
    process.stdout.write(`${run.title}: lost ${run.pipeline.lost}, duplicated ${run.pipeline.duplicated}\n`);
    if (run.pipeline.lost > 0 || run.pipeline.duplicated > 0) exitCode = 1;
  }
  if (results.failures.length > 0) exitCode = 1;
} catch (error) {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  exitCode = 1;
} finally {
  await Promise.all([pg.stop(), redis.stop()]);
}
process.exit(exitCode);
