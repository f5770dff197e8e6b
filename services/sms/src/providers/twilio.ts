import { PermanentError, RetryLaterError, retryAfterMs } from "@signup/queue";
import { redactProviderText } from "../mask.ts";
import type { SmsProvider } from "./provider.ts";

export type TwilioOptions = {
  accountSid: string;
  authToken: string;
  /** The sender, E.164. */
  from: string;
  /** https://api.twilio.com, or a regional / test endpoint; no trailing slash. */
  baseUrl: string;
  timeoutMs: number;
  /** Injected in tests; the global fetch otherwise. */
  fetch?: typeof fetch;
};

/** A timeout or a connection failure: a plain Error, so the queue retries it with backoff. */
export class SmsUnavailableError extends Error {
  override name = "SmsUnavailableError";
}

// 4xx that retrying cannot fix: a bad number (21211), a missing body, wrong credentials, wrong account.
const permanentStatuses = new Set([400, 401, 403, 404, 405, 410, 413, 415, 422]);

/** Twilio Programmable Messaging: POST /2010-04-01/Accounts/{AccountSid}/Messages.json. */
export function twilioProvider({ accountSid, authToken, from, baseUrl, timeoutMs, fetch: fetchImpl = fetch }: TwilioOptions): SmsProvider {
  const url = `${baseUrl}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}`;
  // Only this goes into messages: the URL holds the account, the request holds number and code.
  const where = "Twilio POST Messages.json";

  return {
    name: "twilio",
    async send({ to, body }) {
      let response: Response;
      let text: string;
      try {
        response = await fetchImpl(url, {
          method: "POST",
          headers: { authorization, accept: "application/json", "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ To: to, From: from, Body: body }).toString(),
          signal: AbortSignal.timeout(timeoutMs),
        });
        text = await response.text();
      } catch (error) {
        const reason = isTimeout(error) ? `timed out after ${timeoutMs} ms` : `failed: ${causeOf(error)}`;
        throw new SmsUnavailableError(`${where} ${reason}`);
      }
      const json = parseJson(text);
      if (response.ok) {
        // Accepted means sent (or queued at Twilio): a retry now would text the user twice, so a
        // reply without a sid (never seen from Twilio) still counts as delivered.
        return { id: stringField(json, "sid") ?? "unknown" };
      }
      const message = `${where} answered ${response.status}: ${describe(json, text, body)}`;
      if (response.status === 429) throw new RetryLaterError(message, retryAfterMs(response.headers));
      if (permanentStatuses.has(response.status)) throw new PermanentError(message);
      throw new Error(message);
    },
  };
}

/** Twilio's error JSON is `{code, message, more_info, status}`; its message may quote the number. */
function describe(json: unknown, text: string, body: string): string {
  const code = field(json, "code");
  const message = stringField(json, "message");
  const detail = message !== undefined ? `${code !== undefined ? `${String(code)} ` : ""}${message}` : text.slice(0, 300);
  return redactProviderText(detail, body) || "(empty body)";
}

function isTimeout(error: unknown): boolean {
  return error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError");
}

function causeOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return redactProviderText(`${error.message}${cause}`);
}

function parseJson(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function stringField(value: unknown, key: string): string | undefined {
  const found = field(value, key);
  return typeof found === "string" ? found : undefined;
}
