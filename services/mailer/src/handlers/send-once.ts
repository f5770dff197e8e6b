import { and, auditedChange, type Database, eq, processedEvents } from "@signup/db";
import type { AnyEvent } from "@signup/contracts";
import type { HandlerResult } from "@signup/queue";
import type { MailerDeps } from "../mail-deps.ts";
import { renderMail, type TemplateName } from "../templates.ts";

export const MAILER = "mailer";

export async function alreadySent(db: Database, eventId: string): Promise<boolean> {
  const [row] = await db
    .select({ eventId: processedEvents.eventId })
    .from(processedEvents)
    .where(and(eq(processedEvents.consumer, MAILER), eq(processedEvents.eventId, eventId)));
  return Boolean(row);
}

export type OutgoingFor = {
  to: string;
  template: TemplateName;
  vars: Record<string, string>;
  audit: { action: string; userId: string | null; teamId?: string; data?: Record<string, unknown> };
};

/**
 * Renders and sends one mail for an event, then records the event as processed with its audit
 * entry. Mail cannot join a database transaction, so the record comes after the send: a crash in
 * between sends the mail again on retry (at-least-once), never zero times. The Message-ID is
 * derived from the event, so a client that sees such a duplicate can fold it.
 */
export async function sendOnce(event: AnyEvent, { db, send, settings }: MailerDeps, mail: OutgoingFor): Promise<HandlerResult> {
  const messageId = `<${event.id}.${mail.template}@signup-pipeline>`;
  await send({ to: mail.to, messageId, ...renderMail(mail.template, { productName: settings.productName, ...mail.vars }) });
  // The inbox row and the audit entry together, once, whoever records first.
  await auditedChange(db, db.insert(processedEvents).values({ consumer: MAILER, eventId: event.id }).onConflictDoNothing().returning({ eventId: processedEvents.eventId }), {
    actor: "mailer",
    action: mail.audit.action,
    userId: mail.audit.userId,
    teamId: mail.audit.teamId ?? null,
    correlationId: event.correlationId,
    eventId: event.id,
    data: { messageId, ...mail.audit.data },
  });
  return { outcome: "done" };
}
