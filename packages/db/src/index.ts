export * as schema from "./schema.ts";
export * from "./schema.ts";
export * from "./client.ts";
export * from "./migrate.ts";
export * from "./audit.ts";
export * from "./outbox.ts";
export * from "./outbox-dead-letters.ts";
export * from "./inbox.ts";
export * from "./email.ts";
export * from "./retry.ts";
export * from "./batch.ts";
export * from "./row-from.ts";
export * from "./statement.ts";
export { insertRowWhere } from "./insert-where.ts";
// Services build queries with these, from this package only, so the whole workspace shares one
// drizzle-orm instance whatever optional peers a service happens to install.
export { and, asc, count, desc, eq, gt, inArray, isNotNull, isNull, lt, ne, or, type Placeholder, sql, type SQL } from "drizzle-orm";
