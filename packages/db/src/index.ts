export * as schema from "./schema.ts";
export * from "./schema.ts";
export * from "./client.ts";
export * from "./migrate.ts";
export * from "./audit.ts";
export * from "./outbox.ts";
export * from "./inbox.ts";
export * from "./email.ts";
