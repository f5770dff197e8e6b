import { type Placeholder, type Query, sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type { Executor } from "./client.ts";

/** The values' stand-ins in a statement built once: `v.userId` renders as a parameter filled at each run. */
export type Slots<K extends string> = Readonly<Record<K, Placeholder>>;

const dialect = new PgDialect();

/**
 * A hot statement whose SQL is rendered once, at its first run, with a named placeholder for each
 * value in `names`; every run then only fills them (`values` must give each one). drizzle otherwise
 * walks a statement's whole tree on every call, which was a quarter of the API's CPU per sign-up.
 * The SQL must not depend on the values: a value that would change the text belongs in SQL, e.g.
 * `case when ${v.invited} then now() end`. A placeholder keeps its column's encoder (jsonb,
 * timestamps) where drizzle knows the column, as in insertRowWhere. `build` gets an executor only
 * to render drizzle's builders (an UPDATE ... RETURNING in a CTE); nothing runs on it.
 */
export function statement<const K extends string>(names: readonly K[], build: (v: Slots<K>, db: Executor) => SQL) {
  const slots = Object.fromEntries(names.map((name) => [name, sql.placeholder(name)])) as unknown as Slots<K>;
  let query: Query | undefined;
  return async (db: Executor, values: Record<K, unknown>): Promise<Record<string, unknown>[]> => {
    query ??= dialect.sqlToQuery(build(slots, db));
    return (await db._.session.prepareQuery(query, undefined, undefined, false).execute(values)) as Record<string, unknown>[];
  };
}
