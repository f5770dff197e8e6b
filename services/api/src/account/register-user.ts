import { randomUUID } from "node:crypto";
import { auditLog, type Database, eq, normalizeEmail, outbox, sql, users } from "@signup/db";
import { SignUpAttemptExisting, UserRegistered } from "@signup/contracts";
import { HttpError } from "../http-error.ts";
import { mailSlotUpdate } from "./mail-throttle.ts";
import type { RegisterInput } from "./register-schema.ts";

const UNIQUE_VIOLATION = "23505";
type Meta = { correlationId: string; mailCooldownMs: number };
type NewUser = Omit<RegisterInput, "password"> & { passwordHash?: string };

/**
 * Records a sign-up. Each write is ONE statement (data-modifying CTEs), so it is atomic without a
 * transaction and costs one round trip: the user, its outbox event and its audit entry exist
 * together or not at all, and an accepted sign-up cannot be lost between Postgres and the queue.
 * A known address takes the same two round trips (look-up, then one statement) as a new one, so
 * the answer's timing does not tell them apart; its owner is told by mail instead, at most once
 * per cooldown.
 */
export async function registerUser(db: Database, input: NewUser, meta: Meta): Promise<{ userId: string; created: boolean }> {
  const emailNormalized = normalizeEmail(input.email);
  try {
    const [known] = await db.select({ id: users.id }).from(users).where(eq(users.emailNormalized, emailNormalized));
    if (!known) {
      const userId = await insertNewUser(db, input, emailNormalized, meta);
      if (userId) return { userId, created: true };
      // Lost a race with a concurrent sign-up for the same address: it is known now.
    }
    const [existing] = known ? [known] : await db.select({ id: users.id }).from(users).where(eq(users.emailNormalized, emailNormalized));
    if (!existing) throw new Error("a conflicting sign-up vanished");
    await recordRepeatedSignUp(db, existing.id, meta);
    return { userId: existing.id, created: false };
  } catch (error) {
    // drizzle wraps the driver's error; the PostgreSQL fields are on its cause.
    const pg = ((error as { cause?: unknown }).cause ?? error) as { code?: string; constraint_name?: string };
    if (pg.code === UNIQUE_VIOLATION && pg.constraint_name === "users_username_unique") {
      throw new HttpError(409, "username_taken", "That username is taken; choose another.");
    }
    throw error;
  }
}

/** User + UserRegistered + audit in one statement; undefined when the address got taken meanwhile. */
async function insertNewUser(db: Database, input: NewUser, emailNormalized: string, meta: Meta): Promise<string | undefined> {
  const userId = randomUUID();
  const event = UserRegistered.create({ userId }, meta);
  const rows = await db.execute<{ user_id: string }>(sql`
    with new_user as (
      insert into ${users} (id, email, email_normalized, username, first_name, last_name, password_hash, metadata, correlation_id, last_mail_requested_at)
      values (${userId}, ${input.email}, ${emailNormalized}, ${input.username ?? null}, ${input.firstName ?? null}, ${input.lastName ?? null},
              ${input.passwordHash ?? null}, ${JSON.stringify(input.metadata ?? {})}::jsonb, ${meta.correlationId}, now())
      on conflict (email_normalized) do nothing
      returning id
    ), event as (
      insert into ${outbox} (id, type, envelope)
      select ${event.id}, ${event.type}, ${JSON.stringify(event)}::jsonb from new_user
    )
    insert into ${auditLog} (actor, action, user_id, correlation_id, event_id, data)
    select 'public', 'user.registered', id, ${meta.correlationId}, ${event.id}, '{}'::jsonb from new_user
    returning user_id`);
  return rows[0]?.user_id;
}

/**
 * A sign-up for a known address, in one statement: if the per-address mail cooldown allows, a
 * SignUpAttemptExisting event (the mailer tells the owner, or re-sends the link to a pending
 * account); always an audit entry saying which it was.
 */
async function recordRepeatedSignUp(db: Database, userId: string, meta: Meta): Promise<void> {
  const event = SignUpAttemptExisting.create({ userId }, meta);
  await db.execute(sql`
    with slot as (${mailSlotUpdate(db, eq(users.id, userId), meta.mailCooldownMs).getSQL()}), event as (
      insert into ${outbox} (id, type, envelope)
      select ${event.id}, ${event.type}, ${JSON.stringify(event)}::jsonb from slot
      returning id
    )
    insert into ${auditLog} (actor, action, user_id, correlation_id, event_id, data)
    select 'public',
           case when exists (select 1 from event) then 'user.signup_attempt_existing' else 'user.signup_attempt_throttled' end,
           ${userId}, ${meta.correlationId}, (select id from event), '{}'::jsonb`);
}
