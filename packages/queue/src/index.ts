export * from "./redis.ts";
export * from "./errors.ts";
export * from "./publish.ts";
export * from "./consume.ts";
export * from "./lifecycle.ts";
export * from "./dead-letters.ts";
