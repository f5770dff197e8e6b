import nodemailer from "nodemailer";
import { PermanentError } from "@signup/queue";
import type { MailSender } from "./mail-deps.ts";

/** SMTP 5xx means the server refused for good (bad address, policy): retrying cannot help. */
export function smtpSender(smtpUrl: string, from: string, options: { poolSize?: number } = {}): { send: MailSender; close(): void } {
  // Pooled connections unless the URL says otherwise (?pool=false): a new SMTP session per mail
  // costs a TCP and TLS handshake each time.
  const url = new URL(smtpUrl);
  if (!url.searchParams.has("pool")) url.searchParams.set("pool", "true");
  // nodemailer's default pool is 5 connections; the mailer keeps tens of mails in flight.
  if (!url.searchParams.has("maxConnections")) url.searchParams.set("maxConnections", String(options.poolSize ?? 10));
  const transport = nodemailer.createTransport(url.toString(), { from });
  return {
    async send(mail) {
      try {
        // Quoted-printable named up front: otherwise nodemailer scans every part to choose.
        await transport.sendMail({ ...mail, from, textEncoding: "quoted-printable" });
      } catch (error) {
        const code = (error as { responseCode?: number }).responseCode;
        if (code !== undefined && code >= 500) throw new PermanentError(`SMTP ${code}: ${(error as Error).message}`);
        throw error;
      }
    },
    close: () => transport.close(),
  };
}
