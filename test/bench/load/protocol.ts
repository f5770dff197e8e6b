// What the orchestrator (suite.ts) and a load-generator process (loadgen.ts) say to each other.
// The config travels as JSON on argv; the process prints JSON lines on stdout: `{"event": ...}`
// while it runs and one `{"result": ...}` at the end. Progress text goes to stderr.

export type Latency = { count: number; p50: number; p99: number; max: number };

/** A load generator's n-th address: the report's checks find a run's sign-ups by it. */
export const benchAddress = (prefix: string, serial: number): string => `${prefix}-${serial}@bench.example`;

/**
 * Closed loop: POST /account/register with `concurrency` in flight, `total` per target after
 * `warmup` unmeasured ones each. A target without a url is the bare argon2id hash, in the load
 * process itself. With two targets the load alternates between them in `rounds` (A B, B A, ...),
 * so load from anything else on the machine falls on both alike.
 */
export type RegisterConfig = {
  mode: "register";
  targets: Array<{ label: string; url?: string }>;
  total: number;
  concurrency: number;
  warmup: number;
  rounds: number;
  password: boolean;
  deadlineMs: number;
};
export type TargetResult = {
  accepted: number;
  failed: number;
  statuses: Record<string, number>;
  seconds: number;
  perSecond: number;
  latency: Latency;
  /** The load process's own CPU ms per operation (for the bare hash: the hash's cost). */
  clientCpuMs: number;
};
export type RegisterResult = Record<string, TargetResult>;

/**
 * Sign-ups pushed all the way: the SMTP sink runs in this process (so mail parsing stays off the
 * orchestrator's event loop); every `inviteEvery`-th address is invited to one team first.
 */
export type E2eConfig = {
  mode: "e2e";
  apiUrl: string;
  adminToken: string;
  smtpPort: number;
  smtpDelayMs: number;
  total: number;
  concurrency: number;
  inviteEvery: number;
  emailPrefix: string;
  /** At most this many new sign-ups per second (a steady front-end); unset: as fast as the slots go. */
  registerPerSecond?: number;
  /** Epoch ms: no new register after this (so what was registered can still be verified)... */
  registerUntilMs: number;
  /** ...and nothing at all after this. */
  deadlineMs: number;
  /** How long the process (and its sink) stays up after its result, unless stopped first. */
  lingerMs: number;
};
export type E2eResult = {
  /** The addresses the API accepted (202): the ones that must complete. */
  emails: string[];
  /** Addresses sent but answered otherwise (not the pipeline's to lose). */
  notAccepted: string[];
  invited: string[];
  teamId: string;
  registered: number;
  registerFailed: number;
  verified: number;
  verifyFailed: number;
  /** Addresses that never got a verification mail at the sink before the deadline. */
  unmailed: number;
  mails: number;
  maxMailsPerAddress: number;
  /** Epoch ms: the first register sent, the last register answered, the last verify answered. */
  startedAt: number;
  registersDoneAt: number;
  verifiesDoneAt: number;
  register: Latency;
  verify: Latency;
};

/** Open loop: requests sent on a fixed schedule whatever the answers, latency from the scheduled time. */
export type RateConfig = {
  mode: "rate";
  url: string;
  phases: Array<{ perSecond: number; seconds: number }>;
  emailPrefix: string;
  timeoutMs: number;
};
export type RatePhaseResult = {
  perSecond: number;
  seconds: number;
  sent: number;
  ok: number;
  failed: number;
  timedOut: number;
  maxSendLagMs: number;
  latency: Latency;
};
export type RateResult = { phases: RatePhaseResult[] };

export type LoadConfig = RegisterConfig | E2eConfig | RateConfig;

/**
 * Percentiles by nearest rank: p99 of 300 samples is the 297th smallest (the smallest value that
 * at least 99 % of the samples do not exceed), so it is not the maximum, which is given apart.
 */
export function summarize(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? 0;
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0 };
}
