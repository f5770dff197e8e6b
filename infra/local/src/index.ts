export * from "./free-port.ts";
export * from "./wait.ts";
export * from "./embedded-postgres.ts";
export { stopLeftover } from "./leftover-server.ts";
export * from "./redis-server.ts";
export * from "./smtp-sink.ts";
export * from "./inbox-web.ts";
export * from "./services.ts";
export * from "./signing-key.ts";
