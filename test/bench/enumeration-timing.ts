// `pnpm bench:timing`: does the time a sign-up takes tell whether the address is taken? Runs the API
// alone (its own database, 127.0.0.1 only) and sends 200 interleaved rounds: in each, a sign-up for
// a new address and one for an address that has a verified account, in random order, one at a
// time. Prints both medians and their ratio (issue 8 asks for a ratio within 10 % of 1).
//   pnpm bench:timing [--rounds 200]
import { randomUUID } from "node:crypto";
import { request, Agent } from "node:http";
import { parseArgs } from "node:util";
import { resolvePostgres } from "../support/servers.ts";
import { startStack } from "../support/stack.ts";
import { createBenchDatabase } from "./bench-env.ts";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "200" } } });
const rounds = Math.min(Number(values.rounds), 2_000);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const pg = await resolvePostgres();
const database = await createBenchDatabase(pg.url, "timing");
const stack = await startStack({
  label: "bench-timing",
  databaseUrl: database.url,
  redisUrl: "redis://127.0.0.1:1", // the API needs Redis for operations only; sign-ups never touch it
  smtpUrl: "smtp://127.0.0.1:1",
  queuePrefix: "timing",
  only: ["api"],
  env: { LOG_LEVEL: "warn", RATE_LIMIT_PER_MINUTE: "0", SERVICE_RUNTIME: "dist" },
});
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const { port } = new URL(stack.apiUrl);

function register(email: string): Promise<number> {
  const body = JSON.stringify({ email });
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/account/register", method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on("end", () => (res.statusCode === 202 ? resolve(Number(process.hrtime.bigint() - started) / 1e6) : reject(new Error(`answer ${res.statusCode}`))));
    });
    req.on("error", reject);
    req.end(body);
  });
}

try {
  await database.sql`insert into users (id, email, email_normalized, status, correlation_id) values (${randomUUID()}, 'owner@example.com', 'owner@example.com', 'active', 'bench')`;
  for (let i = 0; i < 50; i++) await register(`warm-${i}@example.com`); // warm the pool, the JIT, the caches
  const taken: number[] = [];
  const fresh: number[] = [];
  for (let round = 0; round < rounds; round++) {
    // Each taken sign-up uses an owner's address; the cooldown keeps the owner's mail slot closed,
    // which is the common case for repeated attempts.
    const pair: Array<() => Promise<void>> = [
      async () => void taken.push(await register("owner@example.com")),
      async () => void fresh.push(await register(`fresh-${round}-${randomUUID().slice(0, 6)}@example.com`)),
    ];
    if (Math.random() < 0.5) pair.reverse();
    for (const step of pair) await step();
  }
  const ratio = median(taken) / median(fresh);
  process.stdout.write(`rounds ${rounds}: new address median ${median(fresh).toFixed(2)} ms, taken address median ${median(taken).toFixed(2)} ms\n`);
  process.stdout.write(`taken/new timing ratio: ${ratio.toFixed(3)} (${Math.abs(ratio - 1) <= 0.1 ? "within" : "outside"} 10 %)\n`);
} finally {
  agent.destroy();
  await stack.stop();
  await database.drop();
}
