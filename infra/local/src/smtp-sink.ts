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
  /** Resolves with the first mail (already received or arriving) that matches. */
  waitForMail(match: (mail: CapturedMail) => boolean, timeoutMs?: number): Promise<CapturedMail>;
  stop(): Promise<void>;
};

/** A real SMTP server that accepts everything and keeps the parsed mails in memory. */
export async function startSmtpSink(options: { port?: number } = {}): Promise<SmtpSink> {
  const port = options.port ?? (await freePort());
  const mails: CapturedMail[] = [];
  const arrivals = new EventEmitter();
  arrivals.setMaxListeners(0);

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
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
    waitForMail(match, timeoutMs = 20_000) {
      const found = mails.find(match);
      if (found) return Promise.resolve(found);
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
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
