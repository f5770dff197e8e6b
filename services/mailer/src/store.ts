import type { AnyEvent } from "@signup/contracts";
import { and, auditInsertWhere, batched, type Database, eq, mailIntents, processedEvents, signUps, sql, verificationTokens } from "@signup/db";

const MAILER = "mailer";

export type Recorded = { action: string; userId: string | null; teamId: string | null; data: Record<string, unknown> };
type Intent = Recorded & { eventId: string; messageId: string };
type Sent = { event: AnyEvent; audit: Recorded };

type SignUp = typeof signUps.$inferSelect;
type NewToken = typeof verificationTokens.$inferInsert;

/**
 * The mailer's database work around each send, batched across the mails in flight (group commit,
 * see batched()): with tens of mails in flight these statements ran once per mail, now once per
 * batch, each as idempotent as before. One store per database handle, as the handlers get `db`.
 */
export type MailerStore = {
  alreadySent(eventId: string): Promise<boolean>;
  signUp(id: string): Promise<SignUp | undefined>;
  insertToken(token: NewToken): Promise<void>;
  recordIntent(intent: Intent): Promise<void>;
  recordSent(sent: Sent): Promise<void>;
};
const stores = new WeakMap<Database, MailerStore>();
const batchSize = 64;

export function mailerStore(db: Database): MailerStore {
  let store = stores.get(db);
  if (store) return store;
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
  const signUp = batched(
    async (ids: string[]) => {
      const rows = await db
        .select()
        .from(signUps)
        .where(sql`${signUps.id} = any(${sql.param(ids)}::uuid[])`);
      return ids.map((id) => rows.find((row) => row.id === id));
    },
    { maxSize: batchSize },
  );
  const insertToken = batched(
    async (tokens: NewToken[]) => {
      await db.insert(verificationTokens).values(tokens);
      return tokens.map(() => undefined);
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
  store = { alreadySent, signUp, insertToken, recordIntent, recordSent };
  stores.set(db, store);
  return store;
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
