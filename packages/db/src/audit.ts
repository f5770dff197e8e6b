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
