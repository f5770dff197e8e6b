import { type Database, eq, mailIntents } from "@signup/db";
import type { AnyEvent } from "@signup/contracts";
import type { HandlerResult } from "@signup/queue";
import type { MailerDeps } from "../mail-deps.ts";
import { mailerStore, type Recorded } from "../store.ts";
import { renderMail, type TemplateName } from "../templates.ts";

export function alreadySent(db: Database, eventId: string): Promise<boolean> {
  return mailerStore(db).alreadySent(eventId);
}

export type OutgoingFor = {
  to: string;
  template: TemplateName;
  vars: Record<string, string>;
  audit: { action: string; userId: string | null; teamId?: string; data?: Record<string, unknown> };
};

/**
 * Renders and sends one mail for an event. Mail cannot join a database transaction, so the intent
 * is written first (with the audit entry it will need), then the mail goes out, then the event is
 * recorded as processed with its audit entry. A crash after the send leaves the intent behind:
 * the retry sends again (at-least-once, never zero times) or, if the mail's reason is gone by then,
 * records it from the intent (see reconcileIntent). The Message-ID is derived from the event, so a
 * client that sees a duplicate can fold it.
 */
export async function sendOnce(event: AnyEvent, { db, send, settings }: MailerDeps, mail: OutgoingFor): Promise<HandlerResult> {
  const messageId = `<${event.id}.${mail.template}@signup-pipeline>`;
  const audit: Recorded = { action: mail.audit.action, userId: mail.audit.userId, teamId: mail.audit.teamId ?? null, data: { messageId, ...mail.audit.data } };
  const store = mailerStore(db);
  await store.recordIntent({ eventId: event.id, messageId, ...audit });
  await send({ to: mail.to, messageId, ...renderMail(mail.template, { productName: settings.productName, ...mail.vars }) });
  await store.recordSent({ event, audit });
  return { outcome: "done" };
}

/**
 * Wraps a mail handler: when it decides there is nothing to send (the user verified meanwhile,
 * the invite is gone) but an earlier run of the same event wrote an intent, that run may have sent
 * the mail before dying, so the mail is recorded from the intent (marked `reconciled`) and the
 * audit log never misses a mail that went out.
 */
export function reconcileIntent<E extends AnyEvent>(deps: Pick<MailerDeps, "db">, handler: (event: E) => Promise<HandlerResult>) {
  return async (event: E): Promise<HandlerResult> => {
    const result = await handler(event);
    if (result.outcome !== "skipped" || result.reason === "already_sent") return result;
    const [intent] = await deps.db.select().from(mailIntents).where(eq(mailIntents.eventId, event.id));
    if (!intent) return result;
    await mailerStore(deps.db).recordSent({
      event,
      audit: { action: intent.action, userId: intent.userId, teamId: intent.teamId, data: { ...intent.data, reconciled: true, skippedBecause: result.reason } },
    });
    return { outcome: "done", reconciled: true };
  };
}
