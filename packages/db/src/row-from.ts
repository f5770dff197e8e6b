import { type Column, getTableColumns } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";

// Each table's columns as [property, column] pairs, listed once: rowFrom runs on every sign-up's
// statements, and listing them per call made an array of ~35 pairs each time.
const columnLists = new WeakMap<PgTable, Array<[string, Column]>>();

function columnsOf(table: PgTable): Array<[string, Column]> {
  let columns = columnLists.get(table);
  if (columns === undefined) {
    columns = Object.entries(getTableColumns(table));
    columnLists.set(table, columns);
  }
  return columns;
}

/**
 * A row as raw SQL returns it (`returning *`: column names, driver values) in the shape drizzle's
 * own queries give (property names, mapped values such as Date), for statements drizzle's builder
 * cannot express, e.g. an UPDATE behind data-modifying CTEs.
 */
export function rowFrom<T extends PgTable>(table: T, raw: Record<string, unknown>): T["$inferSelect"] {
  const row: Record<string, unknown> = {};
  for (const [key, column] of columnsOf(table)) {
    const value = raw[column.name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as T["$inferSelect"];
}
