// A load generator as a process of its own, so its work never shares an event loop with the
// orchestrator that samples queues and processes every 250 ms. Started by test/bench/load-process.ts:
//   node --import tsx test/bench/load/loadgen.ts '<json LoadConfig>'
// Prints JSON lines on stdout ({"event":...} while running, one {"result":...} at the end).
import { registerLoad } from "./closed-loop.ts";
import { e2eLoad } from "./e2e-driver.ts";
import { rateLoad } from "./open-loop.ts";
import type { LoadConfig } from "./protocol.ts";

const config = JSON.parse(process.argv[2] ?? "{}") as LoadConfig;

async function run(): Promise<unknown> {
  switch (config.mode) {
    case "register":
      return registerLoad(config);
    case "e2e":
      return e2eLoad(config);
    case "rate":
      return rateLoad(config);
  }
}

// The orchestrator stops a load early with SIGTERM (the rate run's background load): exit at once.
process.once("SIGTERM", () => process.exit(143));

try {
  const result = await run();
  process.stdout.write(`${JSON.stringify({ result })}\n`);
  // An e2e load's SMTP sink must keep taking mail (the "you joined" notices, retries) while the
  // orchestrator waits for the pipeline to drain; it stops this process when done, or this
  // process stops itself after the linger time so nothing outlives a crashed orchestrator.
  if (config.mode === "e2e") setTimeout(() => process.exit(0), config.lingerMs).unref();
  else process.exit(0);
} catch (error) {
  process.stderr.write(`load generator failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
