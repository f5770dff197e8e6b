import { sql, type SQLWrapper } from "drizzle-orm";
import { auditLog } from "./schema.ts";
import type { Executor } from "./client.ts";

export type AuditEntry = {
  actor: string;
  action: string;
  userId?: string | null;
  teamId?: string | null;
  correlationId?: string | null;
  eventId?: string | null;
  data?: Record<string, unknown>;
};

export async function appendAudit(tx: Executor, entries: AuditEntry | AuditEntry[]): Promise<void> {
  const rows = Array.isArray(entries) ? entries : [entries];
  if (rows.length === 0) return;
  await tx.insert(auditLog).values(rows.map((entry) => ({ ...entry, data: entry.data ?? {} })));
}

/**
 * Runs a guarded change (an INSERT/UPDATE with RETURNING) and its audit entry as ONE statement:
 * the entry is written if and only if the change touched a row, with no transaction round trips.
 * Returns whether it did.
 */
export async function auditedChange(db: Executor, change: SQLWrapper, entry: AuditEntry): Promise<boolean> {
  const rows = await db.execute(sql`
    with change as (${change.getSQL()})
    insert into ${auditLog} (actor, action, user_id, team_id, correlation_id, event_id, data)
    select ${entry.actor}, ${entry.action}, ${entry.userId ?? null}::uuid, ${entry.teamId ?? null}::uuid, ${entry.correlationId ?? null},
           ${entry.eventId ?? null}::uuid, ${JSON.stringify(entry.data ?? {})}::jsonb
    where exists (select 1 from change)
    returning id`);
  return rows.length > 0;
}
