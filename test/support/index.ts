export * from "./database.ts";
export * from "./redis.ts";
export * from "./stack.ts";
export * from "./http.ts";
export { startSmtpSink, startRedisServer, waitUntil, freePort, type CapturedMail, type SmtpSink } from "@signup/local-infra";
export * from "./system.ts";
export * from "./redis-cluster.ts";
