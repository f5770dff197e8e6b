import { getTableColumns } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";

/**
 * A row as raw SQL returns it (`returning *`: column names, driver values) in the shape drizzle's
 * own queries give (property names, mapped values such as Date), for statements drizzle's builder
 * cannot express, e.g. an UPDATE behind data-modifying CTEs.
 */
export function rowFrom<T extends PgTable>(table: T, raw: Record<string, unknown>): T["$inferSelect"] {
  const row: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = raw[column.name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as T["$inferSelect"];
}
