export * from "./envelope.ts";
export * from "./events/index.ts";
export * from "./queues.ts";
