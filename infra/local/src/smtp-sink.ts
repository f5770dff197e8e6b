import { EventEmitter } from "node:events";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { freePort } from "./free-port.ts";

export type CapturedMail = {
  id: number;
  messageId: string | undefined;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  receivedAt: string;
};

export type SmtpSink = {
  url: string;
  port: number;
  mails: CapturedMail[];
  /**
   * Resolves with the first mail (already received or arriving) that matches. `skip`: how many of
   * `mails` the caller has already read, so that a reader keeping a cursor (the bench's, over
   * thousands of mails) does not have them matched again on every wait.
   */
  waitForMail(match: (mail: CapturedMail) => boolean, timeoutMs?: number, skip?: number): Promise<CapturedMail>;
  /**
   * Answers every recipient with `code` (e.g. 451, "try again later", as a greylisting or
   * overloaded server does) until the clock passes `untilMs` (epoch milliseconds, like
   * Date.now()); a fault test's way to make senders retry. A later call replaces an earlier one.
   */
  refuse(code: number, untilMs: number): void;
  /** How many recipients have been refused so far. */
  readonly refusals: number;
  stop(): Promise<void>;
};

/**
 * A real SMTP server that accepts everything and keeps the parsed mails in memory. `delayMs` holds
 * each message's final answer that long (a slow relay, for the benchmark); the mail counts as
 * received when the answer goes out, as it does for the sender.
 */
export async function startSmtpSink(options: { port?: number; delayMs?: number } = {}): Promise<SmtpSink> {
  const delayMs = options.delayMs ?? 0;
  const port = options.port ?? (await freePort());
  const mails: CapturedMail[] = [];
  const arrivals = new EventEmitter();
  arrivals.setMaxListeners(0);
  let refusal: { code: number; untilMs: number } | undefined;
  let refusals = 0;

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (refusal && Date.now() < refusal.untilMs) {
        refusals += 1;
        const reply = refusal.code < 500 ? "try again later" : "refused";
        return callback(Object.assign(new Error(reply), { responseCode: refusal.code }));
      }
      callback();
    },
    onData(stream, session, callback) {
      // Text and html are kept as sent; links found in the text (for textAsHtml, which nobody reads)
      // were most of the parse's CPU, and the bench's sink shares the cores it measures.
      simpleParser(stream, { skipTextLinks: true, skipImageLinks: true })
        .then(async (parsed) => {
          if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
          const mail: CapturedMail = {
            id: mails.length + 1,
            messageId: parsed.messageId,
            from: parsed.from?.text ?? "",
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            subject: parsed.subject ?? "",
            text: parsed.text ?? "",
            html: typeof parsed.html === "string" ? parsed.html : "",
            receivedAt: new Date().toISOString(),
          };
          mails.push(mail);
          arrivals.emit("mail", mail);
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    mails,
    waitForMail(match, timeoutMs = 20_000, skip = 0) {
      for (let i = skip; i < mails.length; i++) if (match(mails[i]!)) return Promise.resolve(mails[i]!);
      return new Promise((resolve, reject) => {
        const onMail = (mail: CapturedMail) => {
          if (!match(mail)) return;
          clearTimeout(timer);
          arrivals.off("mail", onMail);
          resolve(mail);
        };
        const timer = setTimeout(() => {
          arrivals.off("mail", onMail);
          reject(new Error(`no matching mail within ${timeoutMs} ms (${mails.length} received)`));
        }, timeoutMs);
        arrivals.on("mail", onMail);
      });
    },
    refuse(code, untilMs) {
      if (!Number.isInteger(code) || code < 400 || code > 599) throw new Error(`refuse needs an SMTP 4xx or 5xx code, not ${code}`);
      refusal = { code, untilMs };
    },
    get refusals() {
      return refusals;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
