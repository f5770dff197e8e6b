import type { Worker } from "bullmq";
import type { Redis } from "ioredis";
import { queueNames } from "@signup/contracts";
import type { Logger } from "@signup/logger";
import { startConsumer } from "@signup/queue";
import { sendPhoneCode, type SmsDeps } from "./handlers/send-phone-code.ts";

export type SmsWorkerOptions = {
  connection: Redis;
  logger: Logger;
  deps: SmsDeps;
  prefix?: string;
  concurrency?: number;
  lockMs?: number;
  stalledIntervalMs?: number;
  maxStalledCount?: number;
};

/** The consumer of queue "sms": main.ts runs it as a process, the tests in-process. */
export function startSmsWorker({ deps, ...consumer }: SmsWorkerOptions): Worker {
  return startConsumer({
    ...consumer,
    queue: queueNames.sms,
    handlers: { PhoneVerificationPrepared: (event, { logger }) => sendPhoneCode(event, deps, logger) },
  });
}
