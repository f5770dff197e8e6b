import type { EventOf } from "@signup/contracts";
import {
  appendAudit,
  auditInsertWhere,
  type Database,
  insertRowWhere,
  invites,
  processedEvents,
  rowFrom,
  type Slots,
  type SQL,
  sql,
  statement,
  users,
} from "@signup/db";
import type { HandlerResult } from "@signup/queue";
import { joinTeams } from "./join-teams.ts";

type Event = EventOf<"EmailVerified">;
export const ONBOARDING = "onboarding";

const onboardSlots = ["userId", "eventId", "correlationId"] as const;
type OnboardSlots = Slots<(typeof onboardSlots)[number]>;

/** Claims the event for onboarding when `condition` holds; returns the claimed row (none: claimed before). */
const claimWhere = (v: OnboardSlots, condition: SQL) =>
  sql`${insertRowWhere(processedEvents, { consumer: ONBOARDING, eventId: v.eventId }, condition)} on conflict do nothing returning event_id`;

/** The "onboarded" entry of a user who joined no team. */
const onboardedUninvited = (v: OnboardSlots) =>
  ({ actor: "onboarding", userId: v.userId, correlationId: v.correlationId, eventId: v.eventId, action: "user.onboarded", data: { teamsJoined: 0 } }) as const;

// An invite was seen: claim the event, find the user and take its pending invites in one statement
// (and, should they be gone by now, write the "onboarded" entry as onboardUninvited does).
const claimAndFind = statement(
  onboardSlots,
  (v) => sql`
      with claimed as (${claimWhere(v, sql`true`)}),
      member as (select id, email_normalized from ${users} where id = ${v.userId} and exists (select 1 from claimed)),
      pending as (delete from ${invites} where email_normalized = (select email_normalized from member) and expires_at > now() returning *),
      onboarded as (${auditInsertWhere(onboardedUninvited(v), sql`exists (select 1 from member) and not exists (select 1 from pending)`)})
      select exists (select 1 from claimed) as claimed, exists (select 1 from member) as found,
        coalesce((select json_agg(pending) from pending), '[]'::json) as invites`,
);

// Most sign-ups have no invite: then claiming the event and the "onboarded" entry are all there is,
// one statement on its own (no BEGIN and COMMIT round trips). With an invite pending it writes
// nothing and says so, and the transaction below takes the invites.
const onboardUninvited = statement(
  onboardSlots,
  (v) => sql`
      with member as (select id, email_normalized from ${users} where id = ${v.userId}),
      invited as (select exists (select 1 from ${invites} where email_normalized = (select email_normalized from member) and expires_at > now()) as pending),
      claimed as (${claimWhere(v, sql`not (select pending from invited)`)}),
      onboarded as (${auditInsertWhere(onboardedUninvited(v), sql`exists (select 1 from claimed) and exists (select 1 from member)`)})
      select exists (select 1 from claimed) as claimed, exists (select 1 from member) as found, (select pending from invited) as invited`,
);

/**
 * For each pending invite of the verified address: join the team, delete the invite, audit both,
 * and queue the "you joined" mail (through the outbox, so it is sent if and only if this commits).
 * All in one transaction that also records the event as processed, so a replay (or a duplicate
 * delivered to a second worker) finds the inbox row and changes nothing.
 */
export async function onboardUser(event: Event, deps: { db: Database }): Promise<HandlerResult> {
  const userId = event.data.userId;
  const slots = { userId, eventId: event.id, correlationId: event.correlationId };
  const base = { actor: "onboarding", ...slots };
  const [first] = (await onboardUninvited(deps.db, slots)) as Array<{
    claimed: boolean;
    found: boolean;
    invited: boolean;
  }>;
  if (first && !first.invited) {
    if (!first.claimed) return { outcome: "skipped", reason: "already_processed" };
    if (!first.found) return { outcome: "skipped", reason: "user_not_found" };
    return { outcome: "done", teamsJoined: 0 };
  }
  return deps.db.transaction(async (tx) => {
    const [row] = (await claimAndFind(tx, slots)) as Array<{
      claimed: boolean;
      found: boolean;
      invites: Array<Record<string, unknown>>;
    }>;
    if (!row?.claimed) return { outcome: "skipped", reason: "already_processed" };
    if (!row.found) return { outcome: "skipped", reason: "user_not_found" };
    const pending = row.invites.map((raw) => rowFrom(invites, raw));
    if (pending.length === 0) return { outcome: "done", teamsJoined: 0 };
    await joinTeams(tx, userId, pending, base);
    await appendAudit(tx, { ...base, action: "user.onboarded", data: { teamsJoined: pending.length } });
    return { outcome: "done", teamsJoined: pending.length };
  });
}
