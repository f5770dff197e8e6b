// `pnpm bench:smtp`: what one pooled SMTP connection carries, the figure behind SMTP_POOL_SIZE
// (docs/scaling.md). The mailer's own sender (services/mailer/src/smtp-sender.ts: nodemailer,
// pooled) sends the verification mail over 1 and over 10 connections, as many in flight as
// connections, to the project's SMTP sink answering at once and in 200 ms. Prints mails/s and the
// time each mail holds its connection. Everything on 127.0.0.1; the sink runs in this process.
import { parseArgs } from "node:util";
import { repoRoot, startSmtpSink } from "@signup/local-infra";

type Sender = { send(mail: { to: string; subject: string; text: string; html: string; messageId: string }): Promise<void>; close(): void };
type SenderModule = { smtpSender(url: string, from: string, options: { poolSize?: number }): Sender };
type TemplatesModule = { renderMail(name: "verification", vars: Record<string, string>): { subject: string; text: string; html: string } };

const { values } = parseArgs({ options: { mails: { type: "string", default: "400" } } });
const total = Math.min(Math.max(Number(values.mails) || 400, 20), 5_000);
const { smtpSender } = (await import(`${repoRoot}services/mailer/src/smtp-sender.ts`)) as SenderModule;
const { renderMail } = (await import(`${repoRoot}services/mailer/src/templates.ts`)) as TemplatesModule;

const mail = (i: number) => {
  const to = `bench-${i}@example.test`;
  const link = `http://localhost:3000/account/verify/${"t".repeat(43)}`;
  return { to, messageId: `<${i}@bench.example.test>`, ...renderMail("verification", { link, code: String(100_000 + i), productName: "Bench", expiresIn: "24 hours", email: to }) };
};

async function run(connections: number, delayMs: number): Promise<void> {
  const sink = await startSmtpSink({ delayMs });
  const sender = smtpSender(sink.url, "bench@example.test", { poolSize: connections });
  try {
    // Warm-up: every connection opened (its greeting and EHLO are not what is measured).
    await Promise.all(Array.from({ length: connections }, (_, i) => sender.send(mail(i))));
    const count = delayMs > 0 ? Math.min(total, connections * 25) : total;
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (next < count) await sender.send(mail(next++));
      }),
    );
    const seconds = (performance.now() - started) / 1_000;
    const perConnectionMs = (seconds * 1_000 * connections) / count;
    const line = `smtp ${delayMs} ms, ${connections} connection${connections === 1 ? "" : "s"}: ${(count / seconds).toFixed(0)} mails/s, ${perConnectionMs.toFixed(1)} ms per mail and connection (${count} mails)`;
    process.stdout.write(`${line}\n`);
  } finally {
    sender.close();
    await sink.stop();
  }
}

for (const delayMs of [0, 200]) for (const connections of [1, 10]) await run(connections, delayMs);
