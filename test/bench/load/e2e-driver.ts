import { startSmtpSink, type SmtpSink } from "@signup/local-infra";
import { httpClient, type Answer } from "./http-client.ts";
import { benchAddress, summarize, type E2eConfig, type E2eResult } from "./protocol.ts";

const emit = (event: string, data: Record<string, unknown> = {}) => process.stdout.write(`${JSON.stringify({ event, ...data })}\n`);
const linkPattern = /\/account\/verify\/([A-Za-z0-9_-]{20,})/;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Watches the sink for verification mails of our addresses and queues each address's first link.
 * The sink numbers mails 1, 2, 3, ... in arrival order, so a cursor into `mails` sees each once.
 */
function mailWatcher(sink: SmtpSink, ours: Set<string>) {
  const ready: Array<{ email: string; link: string }> = [];
  const linked = new Set<string>();
  const perAddress = new Map<string, number>();
  let seen = 0;
  const scan = () => {
    for (; seen < sink.mails.length; seen++) {
      const mail = sink.mails[seen];
      const link = mail ? linkPattern.exec(mail.text)?.[0] : undefined;
      const email = mail?.to[0]?.toLowerCase();
      if (!link || !email || !ours.has(email)) continue;
      perAddress.set(email, (perAddress.get(email) ?? 0) + 1);
      if (linked.has(email)) continue;
      linked.add(email);
      ready.push({ email, link });
    }
  };
  // Idle slots share one wait instead of polling each: it ends at the next mail (or after 250 ms).
  let waiting: Promise<void> | undefined;
  const nextMail = () => {
    const clear = () => {
      waiting = undefined;
    };
    waiting ??= sink.waitForMail(() => true, 250, seen).then(clear, clear);
    return waiting;
  };
  return { ready, linked, perAddress, scan, nextMail };
}

export async function e2eLoad(config: E2eConfig): Promise<E2eResult> {
  const sink = await startSmtpSink({ port: config.smtpPort, delayMs: config.smtpDelayMs });
  const client = httpClient(config.concurrency);
  const admin = { authorization: `Bearer ${config.adminToken}` };
  const emails = Array.from({ length: config.total }, (_, i) => benchAddress(config.emailPrefix, i));
  const invited = emails.filter((_, i) => i % config.inviteEvery === 0);
  try {
    // One team and its invites before the clock starts; their invite mails drain first.
    const team = await client.send("POST", `${config.apiUrl}/admin/teams`, { name: `bench ${config.emailPrefix}` }, admin);
    const teamId = (JSON.parse(team.body) as { id?: string }).id;
    if (team.status !== 201 || !teamId) throw new Error(`POST /admin/teams answered ${team.status}: ${team.body}`);
    let nextInvite = 0;
    await Promise.all(Array.from({ length: Math.min(10, invited.length) }, async () => {
      for (let email = invited[nextInvite++]; email !== undefined; email = invited[nextInvite++]) {
        const answer = await client.send("POST", `${config.apiUrl}/admin/teams/${teamId}/invites`, { email }, admin);
        if (answer.status !== 201) throw new Error(`invite answered ${answer.status}: ${answer.body}`);
      }
    }));
    const invitesDue = Date.now() + 60_000;
    while (sink.mails.length < invited.length && Date.now() < invitesDue) await sleep(100);
    process.stderr.write(`${invited.length} invites mailed (${sink.mails.length} mails); pushing ${config.total} sign-ups, ${config.concurrency} at a time\n`);

    const watcher = mailWatcher(sink, new Set(emails));
    const registerMs: number[] = [];
    const verifyMs: number[] = [];
    const notAccepted: string[] = [];
    let verifyFailed = 0;
    let verified = 0;
    let nextRegister = 0;
    let registersDoneAt = 0;
    let verifiesDoneAt = 0;
    let lastReport = Date.now();
    const timed = async (samples: number[], call: Promise<Answer>) => {
      const t0 = performance.now();
      const answer = await call;
      samples.push(performance.now() - t0);
      return answer;
    };
    const startedAt = Date.now();
    emit("load-started", { at: startedAt });
    // Each of the `concurrency` slots verifies a mailed address if one is waiting (as a person
    // who just got the mail would), else registers the next address, else waits for mail.
    const slot = async () => {
      const paced = () => config.registerPerSecond === undefined || nextRegister < ((Date.now() - startedAt) / 1_000) * config.registerPerSecond;
      const registering = () => nextRegister < config.total && Date.now() < config.registerUntilMs;
      while (Date.now() < config.deadlineMs && (registering() || verified + verifyFailed < nextRegister - notAccepted.length)) {
        watcher.scan();
        const due = watcher.ready.shift();
        if (due) {
          const answer = await timed(verifyMs, client.send("POST", `${config.apiUrl}${due.link}`, undefined, { accept: "application/json" }));
          if (answer.status === 200) verified++;
          else verifyFailed++;
          verifiesDoneAt = Date.now();
        } else if (registering() && paced()) {
          const email = emails[nextRegister++] ?? "";
          const answer = await timed(registerMs, client.send("POST", `${config.apiUrl}/account/register`, { email }));
          if (answer.status !== 202) notAccepted.push(email);
          registersDoneAt = Date.now();
        } else {
          await watcher.nextMail();
        }
        if (Date.now() - lastReport >= 5_000) {
          lastReport = Date.now();
          process.stderr.write(`registered ${registerMs.length - notAccepted.length}/${config.total}, mailed ${watcher.linked.size}, verified ${verified}\n`);
        }
      }
    };
    await Promise.all(Array.from({ length: config.concurrency }, slot));
    const counts = [...watcher.perAddress.values()];
    const refused = new Set(notAccepted);
    const sent = emails.slice(0, nextRegister);
    const accepted = sent.filter((email) => !refused.has(email));
    return {
      emails: accepted,
      notAccepted,
      invited,
      teamId,
      registered: accepted.length,
      registerFailed: notAccepted.length,
      verified,
      verifyFailed,
      unmailed: accepted.length - [...watcher.linked].filter((email) => !refused.has(email)).length,
      mails: sink.mails.length,
      maxMailsPerAddress: counts.length === 0 ? 0 : Math.max(...counts),
      startedAt,
      registersDoneAt: registersDoneAt || Date.now(),
      verifiesDoneAt: verifiesDoneAt || Date.now(),
      register: summarize(registerMs),
      verify: summarize(verifyMs),
    };
  } finally {
    // The sink stays up: mail keeps arriving while the pipeline drains (see loadgen.ts).
    client.close();
  }
}
