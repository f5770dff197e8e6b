import type { ServiceName } from "@signup/local-infra";
import { startSmtpSink, type SmtpSink } from "@signup/local-infra";
import { createTestDatabase, type TestDatabase } from "./database.ts";
import { apiClient } from "./http.ts";
import { dropQueuePrefix, testRedisUrl, uniqueQueuePrefix } from "./redis.ts";
import { startStack, type Stack } from "./stack.ts";

export type TestSystem = {
  database: TestDatabase;
  smtp: SmtpSink;
  stack: Stack;
  /** The web front-end's base URL, when started with `web: true` (or "web" in `only`). */
  webUrl: string | undefined;
  api: ReturnType<typeof apiClient>;
  queuePrefix: string;
  stop(): Promise<void>;
};

/**
 * The system as an end-to-end test drives it: a database of its own, a real SMTP sink, and the
 * services as processes on the shared test Redis (or the given one) under a queue prefix of its own.
 */
export async function startTestSystem(options: {
  label: string;
  env?: Record<string, string>;
  only?: readonly ServiceName[];
  redisUrl?: string;
  /** Also run the web front-end; see startStack. */
  web?: boolean;
  webEnv?: Record<string, string>;
}): Promise<TestSystem> {
  const database = await createTestDatabase();
  const smtp = await startSmtpSink();
  const redisUrl = options.redisUrl ?? testRedisUrl();
  const queuePrefix = uniqueQueuePrefix();
  let stack: Stack;
  try {
    stack = await startStack({
      label: options.label,
      databaseUrl: database.url,
      redisUrl,
      smtpUrl: smtp.url,
      queuePrefix,
      env: options.env,
      only: options.only,
      web: options.web,
      webEnv: options.webEnv,
    });
  } catch (error) {
    await smtp.stop();
    await database.drop();
    throw error;
  }
  return {
    database,
    smtp,
    stack,
    webUrl: stack.webUrl,
    api: apiClient(stack.apiUrl, stack.adminToken),
    queuePrefix,
    async stop() {
      await stack.stop();
      await smtp.stop();
      await database.drop();
      // A Redis of the test's own is the test's to stop; on the shared one, clean up our keys.
      if (!options.redisUrl) await dropQueuePrefix(redisUrl, queuePrefix);
    },
  };
}
