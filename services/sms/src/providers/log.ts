import { randomUUID } from "node:crypto";
import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { Logger } from "@signup/logger";
import { maskPhone } from "../mask.ts";
import type { SmsProvider } from "./provider.ts";

/**
 * `log://`, for development: the message goes to the service's own log. The body (and so the code)
 * is logged on purpose, so a developer can finish a sign-up; the number is masked as everywhere.
 */
export function logProvider(logger: Logger): SmsProvider {
  return {
    name: "log",
    async send({ to, body }) {
      const id = `log-${randomUUID()}`;
      logger.info({ to: maskPhone(to), body, messageId: id }, "SMS (log://, not sent)");
      return { id };
    },
  };
}

/**
 * `log:///path/file.jsonl`: one JSON line `{to, body, at}` per message, the number in full. This
 * file is a development inbox (what `pnpm start` shows), like the SMTP sink's mails, not a log.
 */
export function logFileProvider(path: string): SmsProvider {
  let ready: Promise<unknown> | undefined;
  return {
    name: "log-file",
    async send({ to, body }) {
      ready ??= mkdir(dirname(path), { recursive: true });
      await ready;
      const id = `log-${randomUUID()}`;
      // One short write with O_APPEND: concurrent jobs' lines do not interleave.
      await appendFile(path, `${JSON.stringify({ id, to, body, at: new Date().toISOString() })}\n`, "utf8");
      return { id };
    },
  };
}
