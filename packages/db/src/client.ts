import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import type { PgSession } from "drizzle-orm/pg-core";
import postgres from "postgres";
import * as schema from "./schema.ts";

export type Database = PostgresJsDatabase<typeof schema>;
/** A transaction or the database itself: helpers that write take either. */
export type Executor = Pick<Database, "insert" | "select" | "update" | "delete" | "execute"> & {
  /** drizzle's session, for statement()'s prepared queries. */
  readonly _: { readonly session: Pick<PgSession, "prepareQuery"> };
};

export type DbHandle = { db: Database; sql: postgres.Sql; close(): Promise<void> };

export type ConnectOptions = {
  max?: number;
  applicationName?: string;
  /** Sees every statement sent (its SQL text, never its parameters): for tracing and for counting round trips. */
  onQuery?: (statement: string) => void;
};

export function connectDb(url: string, options: ConnectOptions = {}): DbHandle {
  const onQuery = options.onQuery;
  const sql = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    ...(onQuery ? { debug: (_connection: number, statement: string) => onQuery(statement) } : {}),
    connection: { application_name: options.applicationName ?? "signup-pipeline" },
  });
  return { db: drizzle(sql, { schema }), sql, close: () => sql.end({ timeout: 5 }) };
}
