import type { AnyEvent } from "@signup/contracts";
import { auditInsertWhere, batched, type Database, mailIntents, processedEvents, rowFrom, signUps, sql, statement, verificationTokens } from "@signup/db";

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
      const sent = new Set((await processed(db, { eventIds })).map((row) => row.event_id as string));
      return eventIds.map((id) => sent.has(id));
    },
    { maxSize: batchSize },
  );
  const signUp = batched(
    async (ids: string[]) => {
      const rows = (await signUpsById(db, { ids })).map((raw) => rowFrom(signUps, raw));
      return ids.map((id) => rows.find((row) => row.id === id));
    },
    { maxSize: batchSize },
  );
  const insertToken = batched(
    async (tokens: NewToken[]) => {
      await insertTokens(db, {
        userIds: tokens.map((t) => t.userId ?? null),
        signUpIds: tokens.map((t) => t.signUpId ?? null),
        tokenHashes: tokens.map((t) => t.tokenHash),
        codeHashes: tokens.map((t) => t.codeHash ?? null),
        expiresAts: tokens.map((t) => t.expiresAt.toISOString()),
        eventIds: tokens.map((t) => t.eventId ?? null),
      });
      return tokens.map(() => undefined);
    },
    { maxSize: batchSize },
  );
  const recordIntent = batched(
    async (intents: Intent[]) => {
      await insertIntents(db, {
        eventIds: intents.map((i) => i.eventId),
        actions: intents.map((i) => i.action),
        userIds: intents.map((i) => i.userId),
        teamIds: intents.map((i) => i.teamId),
        messageIds: intents.map((i) => i.messageId),
        data: intents.map((i) => JSON.stringify(i.data)),
      });
      return intents.map(() => undefined);
    },
    { maxSize: batchSize },
  );
  const recordSent = batched(
    async (sent: Sent[]) => {
      // An event twice in one batch is recorded by its first item.
      const unique = sent.filter((item, i) => sent.findIndex((other) => other.event.id === item.event.id) === i);
      await recordSentBatch(db, {
        eventIds: unique.map(({ event }) => event.id),
        actions: unique.map(({ audit }) => audit.action),
        userIds: unique.map(({ audit }) => audit.userId),
        teamIds: unique.map(({ audit }) => audit.teamId),
        correlationIds: unique.map(({ event }) => event.correlationId),
        data: unique.map(({ audit }) => JSON.stringify(audit.data)),
      });
      return sent.map(() => undefined);
    },
    { maxSize: batchSize },
  );
  store = { alreadySent, signUp, insertToken, recordIntent, recordSent };
  stores.set(db, store);
  return store;
}

// Each statement has one shape whatever the batch's size (a batch's values as one array per
// column, unnested), so it is rendered once and PostgreSQL plans it once per connection. Times go
// as text[]: drizzle hands postgres.js timestamp arrays unserialised.

const processed = statement(
  ["eventIds"],
  (v) => sql`select event_id from ${processedEvents} where consumer = ${MAILER} and event_id = any(${v.eventIds}::uuid[])`,
);

const signUpsById = statement(["ids"], (v) => sql`select * from ${signUps} where id = any(${v.ids}::uuid[])`);

const insertTokens = statement(
  ["userIds", "signUpIds", "tokenHashes", "codeHashes", "expiresAts", "eventIds"],
  (v) => sql`
  insert into ${verificationTokens} (user_id, sign_up_id, token_hash, code_hash, expires_at, event_id)
  select * from unnest(${v.userIds}::uuid[], ${v.signUpIds}::uuid[], ${v.tokenHashes}::text[], ${v.codeHashes}::text[],
    ${v.expiresAts}::text[]::timestamptz[], ${v.eventIds}::uuid[])`,
);

const insertIntents = statement(
  ["eventIds", "actions", "userIds", "teamIds", "messageIds", "data"],
  (v) => sql`
  insert into ${mailIntents} (event_id, action, user_id, team_id, message_id, data)
  select * from unnest(${v.eventIds}::uuid[], ${v.actions}::text[], ${v.userIds}::uuid[], ${v.teamIds}::uuid[], ${v.messageIds}::text[], ${v.data}::jsonb[])
  on conflict do nothing`,
);

/**
 * The inbox rows and their audit entries in one statement: an entry is written only with its own
 * event's inbox row, so each mail is recorded once, whoever records first.
 */
const recordSentBatch = statement(
  ["eventIds", "actions", "userIds", "teamIds", "correlationIds", "data"],
  (v) => sql`
  with item as (
    select * from unnest(${v.eventIds}::uuid[], ${v.actions}::text[], ${v.userIds}::uuid[], ${v.teamIds}::uuid[], ${v.correlationIds}::text[], ${v.data}::jsonb[])
      as item(event_id, action, user_id, team_id, correlation_id, data)
  ),
  change as (insert into ${processedEvents} (consumer, event_id) select ${MAILER}, event_id from item on conflict do nothing returning event_id)
  ${auditInsertWhere(
    {
      actor: "mailer",
      action: sql`item.action`,
      userId: sql`item.user_id`,
      teamId: sql`item.team_id`,
      correlationId: sql`item.correlation_id`,
      eventId: sql`item.event_id`,
      data: sql`item.data`,
    },
    sql`true`,
    sql`item join change using (event_id)`,
  )}`,
);
