import { and, auditInsertWhere, batched, type Database, eq, mailIntents, processedEvents, sql } from "@signup/db";
import type { AnyEvent } from "@signup/contracts";
import type { HandlerResult } from "@signup/queue";
import type { MailerDeps } from "../mail-deps.ts";
import { renderMail, type TemplateName } from "../templates.ts";

export const MAILER = "mailer";

export type OutgoingFor = {
  to: string;
  template: TemplateName;
  vars: Record<string, string>;
  audit: { action: string; userId: string | null; teamId?: string; data?: Record<string, unknown> };
};

type Recorded = { action: string; userId: string | null; teamId: string | null; data: Record<string, unknown> };
type Intent = Recorded & { eventId: string; messageId: string };
type Sent = { event: AnyEvent; audit: Recorded };

/**
 * The mailer's bookkeeping around each send, batched across the mails in flight (group commit,
 * see batched()): with tens of mails in flight these three statements ran once per mail, now once
 * per batch, each as idempotent as before. One set per database handle, as the handlers get `db`.
 */
type Ledger = { alreadySent(eventId: string): Promise<boolean>; recordIntent(intent: Intent): Promise<void>; recordSent(sent: Sent): Promise<void> };
const ledgers = new WeakMap<Database, Ledger>();
const batchSize = 64;

function ledgerOf(db: Database): Ledger {
  let ledger = ledgers.get(db);
  if (ledger) return ledger;
  const alreadySent = batched(
    async (eventIds: string[]) => {
      const rows = await db
        .select({ eventId: processedEvents.eventId })
        .from(processedEvents)
        .where(and(eq(processedEvents.consumer, MAILER), sql`${processedEvents.eventId} = any(${sql.param(eventIds)}::uuid[])`));
      const sent = new Set(rows.map((row) => row.eventId));
      return eventIds.map((id) => sent.has(id));
    },
    { maxSize: batchSize },
  );
  const recordIntent = batched(
    async (intents: Intent[]) => {
      await db.insert(mailIntents).values(intents).onConflictDoNothing();
      return intents.map(() => undefined);
    },
    { maxSize: batchSize },
  );
  const recordSent = batched(
    async (sent: Sent[]) => {
      await recordSentBatch(db, sent);
      return sent.map(() => undefined);
    },
    { maxSize: batchSize },
  );
  ledger = { alreadySent, recordIntent, recordSent };
  ledgers.set(db, ledger);
  return ledger;
}

export function alreadySent(db: Database, eventId: string): Promise<boolean> {
  return ledgerOf(db).alreadySent(eventId);
}

/**
 * The inbox rows and their audit entries in one statement: an entry is written only with its own
 * event's inbox row, so each mail is recorded once, whoever records first (an event twice in one
 * batch is recorded by its first item).
 */
async function recordSentBatch(db: Database, items: Sent[]): Promise<void> {
  const unique = items.filter((item, i) => items.findIndex((other) => other.event.id === item.event.id) === i);
  const change = db
    .insert(processedEvents)
    .values(unique.map(({ event }) => ({ consumer: MAILER, eventId: event.id })))
    .onConflictDoNothing()
    .returning({ eventId: processedEvents.eventId });
  const audits = unique.map(({ event, audit }, i) => {
    const entry = {
      actor: "mailer",
      action: audit.action,
      userId: audit.userId,
      teamId: audit.teamId,
      correlationId: event.correlationId,
      eventId: event.id,
      data: audit.data,
    };
    return sql`${sql.identifier(`audit_${i}`)} as (${auditInsertWhere(entry, sql`exists (select 1 from change where event_id = ${event.id}::uuid)`)})`;
  });
  await db.execute(sql`with change as (${change.getSQL()}), ${sql.join(audits, sql`, `)} select 1`);
}

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
  const ledger = ledgerOf(db);
  await ledger.recordIntent({ eventId: event.id, messageId, ...audit });
  await send({ to: mail.to, messageId, ...renderMail(mail.template, { productName: settings.productName, ...mail.vars }) });
  await ledger.recordSent({ event, audit });
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
    await ledgerOf(deps.db).recordSent({
      event,
      audit: { action: intent.action, userId: intent.userId, teamId: intent.teamId, data: { ...intent.data, reconciled: true, skippedBecause: result.reason } },
    });
    return { outcome: "done", reconciled: true };
  };
}
