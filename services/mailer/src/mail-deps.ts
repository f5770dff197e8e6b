import type { Database } from "@signup/db";

export type OutgoingMail = { to: string; subject: string; text: string; html: string; messageId: string };
export type MailSender = (mail: OutgoingMail) => Promise<void>;

export type MailerDeps = {
  db: Database;
  send: MailSender;
  /** signupUrl: the front-end's sign-up page, where invite tickets lead. */
  settings: { publicUrl: string; productName: string; tokenTtlMs: number; signupUrl: string };
};
