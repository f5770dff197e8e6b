import { parseArgs } from "node:util";

export const runNames = ["register", "e2e", "slow", "rate", "password"] as const;
export type RunName = (typeof runNames)[number];

/**
 * Time bounds of an end-to-end run: sign-ups are sent for at most `registerSeconds` (fewer than
 * asked for if the machine is slower than planned: the report says how many), the last mails are
 * verified within `graceSeconds` more, and the pipeline gets `drainSeconds` to finish after that.
 */
export type Budget = { registerSeconds: number; graceSeconds: number; drainSeconds: number };

export type Sizes = {
  register: { total: number; warmup: number; concurrency: number; rounds: number };
  e2e: { total: number; concurrency: number } & Budget;
  slow: { total: number; concurrency: number; smtpDelayMs: number; idpDelayMs: number } & Budget;
  /**
   * `busyPerSecond`: the background's steady sign-up rate (each also verified and onboarded), so
   * the relay, the workers and PostgreSQL have work throughout (a quarter to two thirds of what the
   * pipeline completes at most on the 2-core machine, by the day's CPU) while the API is not flooded
   * by a closed loop;
   * `leadSeconds`: how long it runs before the first measured request.
   */
  rate: { phases: Array<{ perSecond: number; seconds: number }>; busyLoad: number; busyPerSecond: number; leadSeconds: number };
  password: { total: number; concurrency: number };
};

export type Options = { quick: boolean; runs: RunName[]; sizes: Sizes; argv: string[] };

const positive = (value: string | undefined, name: string): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 50_000) throw new Error(`--${name} wants a whole number from 1 to 50000, not "${value}"`);
  return n;
};

/**
 * `pnpm bench [--quick] [--only register|e2e|slow|rate|password[,...]] [--signups N]`.
 * The defaults keep the whole suite near 10 minutes on a 2-core machine; --quick is a smoke run.
 */
export function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string", multiple: true },
      signups: { type: "string" },
    },
  });
  const quick = values.quick ?? false;
  const only = (values.only ?? []).flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);
  for (const name of only) if (!runNames.includes(name as RunName)) throw new Error(`--only takes ${runNames.join(", ")}; not "${name}"`);
  const signups = positive(values.signups, "signups");
  const e2eTotal = signups ?? (quick ? 200 : 5_000);
  const sizes: Sizes = quick
    ? {
        register: { total: 300, warmup: 50, concurrency: 50, rounds: 2 },
        e2e: { total: e2eTotal, concurrency: 50, registerSeconds: 30, graceSeconds: 15, drainSeconds: 30 },
        slow: { total: Math.min(e2eTotal, 60), concurrency: 50, smtpDelayMs: 200, idpDelayMs: 300, registerSeconds: 30, graceSeconds: 15, drainSeconds: 30 },
        rate: { phases: [{ perSecond: 5, seconds: 4 }, { perSecond: 300, seconds: 2 }], busyLoad: Math.max(e2eTotal, 1_000), busyPerSecond: 50, leadSeconds: 1 },
        password: { total: 40, concurrency: 8 },
      }
    : {
        register: { total: 3_000, warmup: 300, concurrency: 50, rounds: 4 },
        e2e: { total: e2eTotal, concurrency: 50, registerSeconds: 180, graceSeconds: 30, drainSeconds: 90 },
        // Delays cap each worker at (jobs in flight / delay): provisioning and mail may drain well after the load.
        slow: { total: Math.min(e2eTotal, 2_000), concurrency: 50, smtpDelayMs: 200, idpDelayMs: 300, registerSeconds: 120, graceSeconds: 40, drainSeconds: 120 },
        rate: { phases: [{ perSecond: 5, seconds: 60 }, { perSecond: 300, seconds: 10 }], busyLoad: Math.max(e2eTotal, 4_000), busyPerSecond: 50, leadSeconds: 3 },
        password: { total: 500, concurrency: 8 },
      };
  return { quick, runs: runNames.filter((name) => only.length === 0 || only.includes(name)), sizes, argv };
}
