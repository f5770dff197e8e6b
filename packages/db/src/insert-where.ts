import { getTableColumns, is, SQL, sql } from "drizzle-orm";
import type { PgInsertValue, PgTable } from "drizzle-orm/pg-core";

/**
 * One row written only when `condition` holds, e.g. `exists (select 1 from change)` inside a CTE.
 * drizzle's insert builder writes VALUES, and Postgres cannot make VALUES conditional (nor take
 * DEFAULT in a SELECT), so this is the same row as INSERT ... SELECT ... WHERE: the columns are the
 * row's keys mapped through the table's own column names and types, and a key left undefined keeps
 * its column's default, exactly as drizzle's values() does. Each value is cast to its column's type
 * because a parameter in a select list would otherwise be taken as text. With `from`, one row per
 * row of that source (its columns may be the values), e.g. a batch unnested from array parameters.
 */
export function insertRowWhere<T extends PgTable>(table: T, row: PgInsertValue<T>, condition: SQL, from?: SQL): SQL {
  const values = row as Record<string, unknown>;
  const columns = Object.entries(getTableColumns(table)).filter(([key]) => values[key] !== undefined);
  const names = sql.join(
    columns.map(([, column]) => sql.identifier(column.name)),
    sql`, `,
  );
  const selected = sql.join(
    columns.map(([key, column]) => {
      const value = values[key];
      return sql`(${is(value, SQL) ? value : sql.param(value, column)})::${sql.raw(column.getSQLType())}`;
    }),
    sql`, `,
  );
  return sql`insert into ${table} (${names}) select ${selected}${from ? sql` from ${from}` : sql``} where ${condition}`;
}
