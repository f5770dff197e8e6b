import { httpClient } from "./http-client.ts";
import { benchAddress, summarize, type RateConfig, type RatePhaseResult, type RateResult } from "./protocol.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends each request at its scheduled time whether earlier ones have answered or not, and measures
 * from that scheduled time: a slow server cannot slow the client down and hide its own queueing
 * (coordinated omission), which a closed loop would.
 */
export async function rateLoad(config: RateConfig): Promise<RateResult> {
  // Enough sockets that requests never wait for one at the client: the wait must be the server's.
  const client = httpClient(512);
  const phases: RatePhaseResult[] = [];
  const inFlight: Array<Promise<void>> = [];
  let serial = 0;
  for (const phase of config.phases) {
    const total = Math.round(phase.perSecond * phase.seconds);
    const gapMs = 1_000 / phase.perSecond;
    const times: number[] = [];
    const result: RatePhaseResult = { perSecond: phase.perSecond, seconds: phase.seconds, sent: 0, ok: 0, failed: 0, timedOut: 0, maxSendLagMs: 0, latency: summarize([]) };
    const start = performance.now() + 5;
    process.stderr.write(`open loop: ${phase.perSecond}/s for ${phase.seconds} s\n`);
    for (let k = 0; k < total; k++) {
      const scheduled = start + k * gapMs;
      const wait = scheduled - performance.now();
      if (wait > 1) await sleep(wait);
      // How late this client itself was: on a busy 2-core machine the client can fall behind too.
      result.maxSendLagMs = Math.max(result.maxSendLagMs, performance.now() - scheduled);
      const email = benchAddress(config.emailPrefix, serial++);
      result.sent++;
      inFlight.push(
        client.send("POST", `${config.url}/account/register`, { email }, {}, config.timeoutMs).then((answer) => {
          times.push(performance.now() - scheduled);
          if (answer.status === 202) result.ok++;
          else if (answer.status === 0 && answer.body === "timeout") result.timedOut++;
          else result.failed++;
        }),
      );
    }
    phases.push(result);
    // Answers still arriving fill in `times`; the summary is taken once they all have.
    const done = Promise.all(inFlight.splice(0)).then(() => {
      result.latency = summarize(times);
    });
    inFlight.push(done);
  }
  await Promise.all(inFlight);
  client.close();
  return { phases };
}
