import type { CapturedMail, SmtpSink } from "@signup/local-infra";
import { apiClient } from "../support/http.ts";
import { sleep } from "./faults.ts";

/**
 * Before the load: one team, and an invite to it for each given address (so onboarding has teams
 * to join). Returns the team's id; throws when the admin API refuses.
 */
export async function inviteToTeam(options: { apiUrl: string; adminToken: string; emails: readonly string[]; concurrency: number }): Promise<string> {
  const api = apiClient(options.apiUrl, options.adminToken);
  const team = await api.admin("POST", "/admin/teams", { name: "chaos team" });
  if (team.status !== 201) throw new Error(`POST /admin/teams answered ${team.status}: ${team.text}`);
  const teamId = String(team.json.id);
  let next = 0;
  const client = async () => {
    while (next < options.emails.length) {
      const email = options.emails[next++];
      if (email === undefined) break;
      const invite = await api.admin("POST", `/admin/teams/${teamId}/invites`, { email, role: "member" });
      if (invite.status !== 201) throw new Error(`inviting ${email} answered ${invite.status}: ${invite.text}`);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  return teamId;
}

export type LoadResult = {
  accepted: string[];
  /** Addresses that never got a 202, even after the retries. */
  rejected: string[];
  /** Every answer other than 202, by status ("network" when no answer came). */
  non202: Map<string, number>;
  retries: number;
  startedAt: number;
  endedAt: number;
};

const retriesPerSignUp = 3;

async function postJson(url: string, body: unknown, timeoutMs = 15_000): Promise<string> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer();
    return String(response.status);
  } catch {
    return "network";
  }
}

/**
 * Sends one sign-up per address through POST /account/register, `concurrency` at a time, started no
 * faster than one per `intervalMs` so the load spans the fault schedule. An answer other than 202
 * is counted and the sign-up retried (up to 3 times, with a short backoff), as a front-end would.
 */
export async function runSignUps(options: {
  apiUrl: string;
  emails: readonly string[];
  concurrency: number;
  intervalMs: number;
  deadline: number;
}): Promise<LoadResult> {
  const result: LoadResult = { accepted: [], rejected: [], non202: new Map(), retries: 0, startedAt: Date.now(), endedAt: 0 };
  let next = 0;
  const client = async () => {
    while (Date.now() < options.deadline) {
      const i = next++;
      const email = options.emails[i];
      if (email === undefined) break;
      const due = result.startedAt + i * options.intervalMs;
      if (due > Date.now()) await sleep(due - Date.now());
      for (let attempt = 0; ; attempt++) {
        const status = await postJson(`${options.apiUrl}/account/register`, { email });
        if (status === "202") {
          result.accepted.push(email);
          break;
        }
        result.non202.set(status, (result.non202.get(status) ?? 0) + 1);
        if (attempt >= retriesPerSignUp) {
          result.rejected.push(email);
          break;
        }
        result.retries++;
        await sleep(250 * 2 ** attempt);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  result.endedAt = Date.now();
  return result;
}

const verifyLink = /https?:\/\/\S+\/account\/verify\/[A-Za-z0-9_-]+/;

/** A verification mail: it carries the link to the verify page. */
export const isVerificationMail = (mail: CapturedMail) => verifyLink.test(mail.text);

export type VerifierStats = {
  /** Clicks answered 200 {status:"verified"}. */
  verified: number;
  /** Clicks on a later mail of an address already verified: 410 token_used, as designed. */
  alreadyUsed: number;
  /** Clicks that ended with anything else after the retries, by status. */
  failed: Map<string, number>;
  /** Clicks retried after a 5xx or no answer. */
  retried: number;
  verifiedAddresses: Set<string>;
};

export type Verifier = { stats: VerifierStats; idle(): boolean; stop(): Promise<void> };

/**
 * Plays the person reading their inbox: each verification mail that arrives at the sink is opened
 * and its button pressed (POST the link, accept: application/json). A click that meets a 5xx or no
 * answer is tried again a few times, as somebody would press the button again.
 */
export function startVerifier(options: { sink: SmtpSink; isOurs: (address: string) => boolean; concurrency?: number }): Verifier {
  const stats: VerifierStats = { verified: 0, alreadyUsed: 0, failed: new Map(), retried: 0, verifiedAddresses: new Set() };
  const pending: Array<{ address: string; link: string }> = [];
  let cursor = 0;
  let inFlight = 0;
  let stopped = false;

  const click = async (job: { address: string; link: string }) => {
    for (let attempt = 0; ; attempt++) {
      let status: string;
      let code = "";
      try {
        const response = await fetch(job.link, { method: "POST", headers: { accept: "application/json" }, signal: AbortSignal.timeout(15_000) });
        status = String(response.status);
        const body = (await response.json().catch(() => ({}))) as { status?: string; code?: string };
        code = body.code ?? body.status ?? "";
      } catch {
        status = "network";
      }
      if (status === "200") {
        stats.verified++;
        stats.verifiedAddresses.add(job.address);
        return;
      }
      if (status === "410" && code === "token_used") {
        stats.alreadyUsed++;
        return;
      }
      const retryable = status === "network" || status.startsWith("5");
      if (!retryable || attempt >= 4 || stopped) {
        const key = code ? `${status} ${code}` : status;
        stats.failed.set(key, (stats.failed.get(key) ?? 0) + 1);
        return;
      }
      stats.retried++;
      await sleep(500 * 2 ** attempt);
    }
  };

  const loop = (async () => {
    const limit = options.concurrency ?? 10;
    while (!stopped) {
      while (cursor < options.sink.mails.length) {
        const mail = options.sink.mails[cursor++];
        if (!mail) break;
        const address = mail.to[0]?.toLowerCase();
        const link = verifyLink.exec(mail.text)?.[0];
        if (address && link && options.isOurs(address)) pending.push({ address, link });
      }
      while (inFlight < limit) {
        const job = pending.shift();
        if (!job) break;
        inFlight++;
        void click(job).finally(() => inFlight--);
      }
      await sleep(50);
    }
  })();

  return {
    stats,
    idle: () => pending.length === 0 && inFlight === 0 && cursor >= options.sink.mails.length,
    async stop() {
      stopped = true;
      await loop;
      while (inFlight > 0) await sleep(50);
    },
  };
}
