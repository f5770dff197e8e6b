import { type Placeholder, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { auditLog } from "./schema.ts";
import type { Executor } from "./client.ts";
import { insertRowWhere } from "./insert-where.ts";
import { type Slots, statement } from "./statement.ts";

export type AuditEntry = {
  actor: string;
  action: string;
  userId?: string | null;
  teamId?: string | null;
  correlationId?: string | null;
  eventId?: string | null;
  data?: Record<string, unknown>;
};

/** An entry whose values may also be SQL, for a statement that computes them (e.g. from a CTE), or slots (statement()). */
export type AuditValues = { [K in keyof AuditEntry]: AuditEntry[K] | SQL | Placeholder };

/**
 * Every column of audit_log except the two the database fills in, each one required: a column
 * added to the table is a compile error in auditRow until it is mapped (writers.test.ts checks the
 * SQL too). This is the only place an entry becomes a row.
 */
type AuditRow = { [K in Exclude<keyof typeof auditLog.$inferInsert, "id" | "at">]-?: (typeof auditLog.$inferInsert)[K] | SQL | Placeholder };

function auditRow(entry: AuditValues): AuditRow {
  return {
    actor: entry.actor,
    action: entry.action,
    userId: entry.userId ?? null,
    teamId: entry.teamId ?? null,
    correlationId: entry.correlationId ?? null,
    eventId: entry.eventId ?? null,
    data: entry.data ?? {},
  };
}

/** The audit INSERT, not yet run: await it, or embed `.getSQL()` in a larger statement. */
export function auditInsert(db: Executor, entries: AuditValues | AuditValues[]) {
  return db.insert(auditLog).values((Array.isArray(entries) ? entries : [entries]).map(auditRow));
}

/** The same entry, written only when `condition` holds (INSERT ... SELECT ... WHERE); per row of `from` if given. */
export function auditInsertWhere(entry: AuditValues, condition: SQL, from?: SQL): SQL {
  return insertRowWhere(auditLog, auditRow(entry), condition, from);
}

export async function appendAudit(tx: Executor, entries: AuditEntry | AuditEntry[]): Promise<void> {
  if (Array.isArray(entries) && entries.length === 0) return;
  await auditInsert(tx, entries);
}

/**
 * Runs a guarded change (an INSERT/UPDATE with RETURNING) and its audit entry as ONE statement:
 * the entry is written if and only if the change touched a row, with no transaction round trips.
 * Returns whether it did.
 */
export async function auditedChange(db: Executor, change: SQLWrapper, entry: AuditEntry): Promise<boolean> {
  const rows = await db.execute(auditedChangeSql(change, entry));
  return rows.length > 0;
}

/** auditedChange for a hot path: built once from slots (statement()), filled at each run. */
export function auditedStatement<const K extends string>(
  names: readonly K[],
  build: (v: Slots<K>, db: Executor) => { change: SQLWrapper; entry: AuditValues },
) {
  const run = statement(names, (v, db) => {
    const { change, entry } = build(v, db);
    return auditedChangeSql(change, entry);
  });
  return async (db: Executor, values: Record<K, unknown>): Promise<boolean> => (await run(db, values)).length > 0;
}

function auditedChangeSql(change: SQLWrapper, entry: AuditValues): SQL {
  return sql`
    with change as (${change.getSQL()})
    ${auditInsertWhere(entry, sql`exists (select 1 from change)`)}
    returning id`;
}
