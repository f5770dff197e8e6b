import { createHash } from "node:crypto";
import { SignUpAbandoned, SignUpStalled } from "@signup/contracts";
import { appendAudit, type Database, enqueueEvent, type Executor, sql } from "@signup/db";

export type SweepSettings = { remindAfterMs: number; abandonAfterMs: number; batchSize: number };
export type SweepResult = { reminded: number; abandoned: number };

/** drizzle hands raw parameters to the driver unserialised, so instants travel as ISO text. */
const timestamp = (date: Date) => sql`${date.toISOString()}::timestamptz`;

const emailHash = (normalized: string) => createHash("sha256").update(normalized, "utf8").digest("hex");

/**
 * One pass over open sign-ups, as of `now` (injected: tests move the clock, nothing waits). Each
 * kind of work takes at most one batch, rows locked SKIP LOCKED and guarded by their own state
 * (reminded_at, status), so two schedulers or a job run twice never remind or abandon twice.
 */
export async function sweepSignUps(db: Database, now: Date, settings: SweepSettings): Promise<SweepResult> {
  const reminded = await db.transaction((tx) => remindStalled(tx, now, settings));
  const abandoned = await db.transaction((tx) => abandonOld(tx, now, settings));
  return { reminded, abandoned };
}

type Due = {
  id: string;
  correlation_id: string;
  email_address: string | null;
  email_taken: boolean;
  user_id: string | null;
  owns_user: boolean;
  email_verified_at: Date | null;
};

async function remindStalled(tx: Executor, now: Date, { remindAfterMs, abandonAfterMs, batchSize }: SweepSettings): Promise<number> {
  const at = timestamp(now);
  const remindBefore = timestamp(new Date(now.getTime() - remindAfterMs));
  const abandonBefore = timestamp(new Date(now.getTime() - abandonAfterMs));
  const due = await tx.execute<Due>(sql`
    with due as (
      select id from sign_ups
      where status = 'missing_requirements' and reminded_at is null and created_at < ${remindBefore} and created_at >= ${abandonBefore}
      order by created_at limit ${batchSize} for update skip locked
    )
    update sign_ups s set reminded_at = ${at} from due where s.id = due.id
    returning s.id, s.correlation_id, s.email_address, s.email_taken, s.user_id, s.owns_user, s.email_verified_at`);
  for (const row of due) {
    // Only a sign-up whose own address waits for proof gets the mail; the rest are noted as due.
    const mailable = row.email_address !== null && !row.email_taken && !(row.user_id && !row.owns_user) && row.email_verified_at === null;
    const event = SignUpStalled.create({ signUpId: row.id }, { correlationId: row.correlation_id });
    if (mailable) await enqueueEvent(tx, event);
    await appendAudit(tx, {
      actor: "lifecycle",
      action: mailable ? "sign_up.reminder_due" : "sign_up.reminder_skipped",
      userId: row.owns_user ? row.user_id : null,
      correlationId: row.correlation_id,
      eventId: mailable ? event.id : null,
      data: { signUpId: row.id },
    });
  }
  return due.length;
}

type Old = { id: string; correlation_id: string; email_normalized: string | null; user_id: string | null; owns_user: boolean };

async function abandonOld(tx: Executor, now: Date, { abandonAfterMs, batchSize }: SweepSettings): Promise<number> {
  const at = timestamp(now);
  const abandonBefore = timestamp(new Date(now.getTime() - abandonAfterMs));
  const old = await tx.execute<Old>(sql`
    select id, correlation_id, email_normalized, user_id, owns_user from sign_ups
    where status = 'missing_requirements' and created_at < ${abandonBefore}
    order by created_at limit ${batchSize} for update skip locked`);
  for (const row of old) {
    // The pending account this sign-up recorded goes too (its address may sign up afresh); an
    // account that someone verified meanwhile is theirs and stays.
    const removed =
      row.owns_user && row.user_id
        ? (
            await tx.execute<{ id: string; idp: string | null; idp_internal_id: string | null }>(sql`
          delete from users where id = ${row.user_id} and status = 'pending' returning id, idp, idp_internal_id`)
          )[0]
        : undefined;
    const hash = row.email_normalized ? emailHash(row.email_normalized) : null;
    await tx.execute(sql`
      update sign_ups set status = 'abandoned', abandon_at = ${at}, email_hash = ${hash}, updated_at = ${at},
        email_address = null, email_normalized = null, username = null, first_name = null, last_name = null,
        password_hash = null, phone_number = null, unsafe_metadata = '{}'::jsonb, redirect_url = null, user_id = null
      where id = ${row.id}`);
    await tx.execute(sql`delete from verification_tokens where sign_up_id = ${row.id}`);
    await tx.execute(sql`delete from phone_codes where sign_up_id = ${row.id}`);
    const event = SignUpAbandoned.create(
      { signUpId: row.id, userId: removed?.id ?? null, idp: removed?.idp ?? null, idpInternalId: removed?.idp_internal_id ?? null },
      { correlationId: row.correlation_id },
    );
    if (removed) await enqueueEvent(tx, event);
    await appendAudit(tx, {
      actor: "lifecycle",
      action: "sign_up.abandoned",
      userId: removed?.id ?? null,
      correlationId: row.correlation_id,
      eventId: removed ? event.id : null,
      data: { signUpId: row.id, emailHash: hash, accountRemoved: Boolean(removed) },
    });
  }
  return old.length;
}
