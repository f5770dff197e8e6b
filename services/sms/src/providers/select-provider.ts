import type { Logger } from "@signup/logger";
import { logFileProvider, logProvider } from "./log.ts";
import type { SmsProvider } from "./provider.ts";
import { parseSmsUrl, type SmsTarget } from "./sms-url.ts";
import { twilioProvider } from "./twilio.ts";

export type { SmsProvider, SmsMessage } from "./provider.ts";

export type ProviderOptions = {
  /** Where `log://` writes. */
  logger: Logger;
  /** Per HTTP request to the provider. */
  timeoutMs: number;
  fetch?: typeof fetch;
};

/** SMS_URL (as written, or as parsed by the config schema) → the provider it names. */
export function selectProvider(smsUrl: string | SmsTarget, options: ProviderOptions): SmsProvider {
  const target = typeof smsUrl === "string" ? parseSmsUrl(smsUrl) : smsUrl;
  switch (target.kind) {
    case "log":
      return logProvider(options.logger);
    case "log-file":
      return logFileProvider(target.path);
    case "twilio":
      return twilioProvider({ ...target, timeoutMs: options.timeoutMs, ...(options.fetch ? { fetch: options.fetch } : {}) });
  }
}
