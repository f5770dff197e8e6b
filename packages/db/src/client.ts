import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema.ts";

export type Database = PostgresJsDatabase<typeof schema>;
/** A transaction or the database itself: helpers that write take either. */
export type Executor = Pick<Database, "insert" | "select" | "update" | "delete" | "execute">;

export type DbHandle = { db: Database; sql: postgres.Sql; close(): Promise<void> };

export function connectDb(url: string, options: { max?: number; applicationName?: string } = {}): DbHandle {
  const sql = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    connection: { application_name: options.applicationName ?? "signup-pipeline" },
  });
  return { db: drizzle(sql, { schema }), sql, close: () => sql.end({ timeout: 5 }) };
}
