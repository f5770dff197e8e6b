import { createRequire } from "node:module";
import { repoRoot } from "@signup/local-infra";
import { httpClient, tally } from "./http-client.ts";
import { summarize, type RegisterConfig, type RegisterResult } from "./protocol.ts";

/** Runs `total` tasks with `concurrency` in flight until done or the deadline; returns each one's ms. */
async function pool(total: number, concurrency: number, deadlineMs: number, task: (i: number) => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < total && Date.now() < deadlineMs) {
      const i = next++;
      const t0 = performance.now();
      await task(i);
      times.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return times;
}

type Hash = (password: string, options: Record<string, number>) => Promise<string>;

/** argon2id exactly as services/api/src/account/password.ts calls it: its options, its copy of the package. */
async function argon2id(): Promise<(password: string) => Promise<string>> {
  // The API's own copy of the package (test/ does not depend on it): the same binary, the same build.
  const fromApi = createRequire(`${repoRoot}services/api/package.json`);
  const { hash } = (await import(fromApi.resolve("@node-rs/argon2"))) as { hash: Hash };
  const { passwordHashOptions } = (await import(`${repoRoot}services/api/src/account/password.ts`)) as { passwordHashOptions: Record<string, number> };
  return (password) => hash(password, passwordHashOptions);
}

/**
 * The closed loop behind runs 1 and 5. Each target is an HTTP server (POST /account/register) or,
 * without a url, the bare argon2id hash in this process. Targets take turns, A B then B A, so a
 * trend in the machine's other load falls on each alike.
 */
export async function registerLoad(config: RegisterConfig): Promise<RegisterResult> {
  const client = httpClient(config.concurrency);
  const hash = config.targets.some((t) => t.url === undefined) ? await argon2id() : undefined;
  const password = (name: string) => `correct horse ${name} battery`;
  const body = (name: string) => ({ email: `${name}@bench.example`, ...(config.password ? { password: password(name) } : {}) });
  const run = async (target: RegisterConfig["targets"][number], name: string): Promise<number> => {
    if (target.url === undefined) return hash && (await hash(password(name))).startsWith("$argon2id$") ? 202 : 500;
    return (await client.send("POST", `${target.url}/account/register`, body(name))).status;
  };
  // The same warm-up for every target: JIT, connection pools and prepared statements are hot
  // before the clock starts, so a ratio compares steady states.
  for (const target of config.targets) {
    await pool(config.warmup, config.concurrency, config.deadlineMs, async (i) => void (await run(target, `${target.label}-warm-${i}`)));
  }
  process.stderr.write(`warm-up done (${config.warmup} each); measuring ${config.total} each in ${config.rounds} round(s)\n`);

  const state = new Map(config.targets.map((t) => [t.label, { statuses: {} as Record<string, number>, times: [] as number[], seconds: 0, cpuMs: 0, sent: 0 }]));
  for (let round = 0; round < config.rounds; round++) {
    const order = round % 2 === 0 ? config.targets : [...config.targets].reverse();
    for (const target of order) {
      const s = state.get(target.label);
      if (!s) continue;
      const count = Math.round((config.total * (round + 1)) / config.rounds) - s.sent;
      const offset = s.sent;
      const started = performance.now();
      const cpu = process.cpuUsage();
      const times = await pool(count, config.concurrency, config.deadlineMs, async (i) => tally(s.statuses, await run(target, `${target.label}-${offset + i}`)));
      const used = process.cpuUsage(cpu);
      s.cpuMs += (used.user + used.system) / 1_000;
      s.seconds += (performance.now() - started) / 1_000;
      s.sent += count;
      s.times.push(...times);
    }
  }
  client.close();
  const result: RegisterResult = {};
  for (const [label, s] of state) {
    const accepted = s.statuses["202"] ?? 0;
    result[label] = {
      accepted,
      failed: s.times.length - accepted,
      statuses: s.statuses,
      seconds: s.seconds,
      perSecond: accepted / s.seconds,
      latency: summarize(s.times),
      clientCpuMs: s.cpuMs / Math.max(1, s.times.length),
    };
  }
  return result;
}
