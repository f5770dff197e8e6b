import { randomBytes } from "node:crypto";
import { type Fault, type RecordedRequest, type Reply, startContractServer } from "../idp-servers/harness.ts";

/**
 * Twilio's Programmable Messaging API as documented, for contract and end-to-end tests:
 * - POST /2010-04-01/Accounts/{AccountSid}/Messages.json, HTTP Basic (AccountSid:AuthToken), form
 *   fields To, From, Body → 201 `{sid: "SM…", status: "queued", to, from, body, …}`;
 * - wrong credentials → 401 `{code: 20003, message: "Authenticate"}`; To not E.164 → 400 21211 (the
 *   message quotes the number, as Twilio's does); To/From/Body missing → 400 21604/21603/21602;
 * - errors are Twilio's JSON `{code, message, more_info, status}`; other paths → 404 20404.
 * It runs on the IdP contract servers' harness: the same request log and faults (on message
 * requests, in the order they were added).
 */

export type TwilioMessage = { sid: string; to: string; from: string; body: string; at: number };

export type SmsFaults = {
  /** Makes the next `times` message requests do `fault` instead of the normal answer. */
  add(fault: Fault, times?: number): SmsFaults;
  pending(): number;
  clear(): void;
};

export type TwilioServer = {
  /** Base URL, e.g. http://127.0.0.1:43123: the `base` of an SMS_URL. */
  url: string;
  port: number;
  accountSid: string;
  authToken: string;
  /** An SMS_URL pointing here: twilio://SID:TOKEN@+15550000000?base=… */
  smsUrl(from?: string): string;
  /** Every message accepted (201), in order. */
  messages: TwilioMessage[];
  faults: SmsFaults;
  /** Every request received, including failed and hung ones; message requests have operation "create". */
  requests: RecordedRequest[];
  waitForMessage(predicate: (message: TwilioMessage) => boolean, timeoutMs?: number): Promise<TwilioMessage>;
  close(): Promise<void>;
};

const e164 = /^\+[1-9]\d{1,14}$/;
const messagesPath = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;

export const twilioError = (status: number, code: number, message: string) => ({
  code,
  message,
  more_info: `https://www.twilio.com/docs/errors/${code}`,
  status,
});

// Twilio's codes for plain HTTP failures are 20000 + status (20404, 20429, 20500, 20503); 401 is 20003.
const defaultError = (status: number, message: string) => twilioError(status, status === 401 ? 20003 : 20_000 + status, message);

const hex = (bytes: number) => randomBytes(bytes).toString("hex");
// Twilio's dates are RFC 2822: "Thu, 24 Aug 2023 05:01:45 +0000".
const rfc2822 = (date: Date) => date.toUTCString().replace("GMT", "+0000");

export async function startTwilioServer(options: { accountSid?: string; authToken?: string } = {}): Promise<TwilioServer> {
  const accountSid = options.accountSid ?? `AC${hex(16)}`;
  const authToken = options.authToken ?? hex(16);
  const messages: TwilioMessage[] = [];

  function authorized(request: RecordedRequest, pathSid: string): boolean {
    const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? "");
    if (!basic?.[1]) return false;
    const decoded = Buffer.from(basic[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    return decoded.slice(0, colon) === accountSid && decoded.slice(colon + 1) === authToken && pathSid === accountSid;
  }

  function createMessage(request: RecordedRequest): Reply {
    const form = (request.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")
      ? new URLSearchParams(request.rawBody)
      : new URLSearchParams();
    const to = form.get("To");
    const from = form.get("From");
    const body = form.get("Body");
    if (!to) return { status: 400, body: twilioError(400, 21604, "A 'To' phone number is required.") };
    if (!e164.test(to)) return { status: 400, body: twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`) };
    if (!from) return { status: 400, body: twilioError(400, 21603, "A 'From' phone number is required.") };
    if (!body) return { status: 400, body: twilioError(400, 21602, "Message body is required.") };
    if (body.length > 1600) return { status: 400, body: twilioError(400, 21617, "The concatenated message body exceeds the 1600 character limit.") };
    const sid = `SM${hex(16)}`;
    const now = rfc2822(new Date());
    messages.push({ sid, to, from, body, at: Date.now() });
    const uri = `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`;
    return {
      status: 201,
      body: {
        sid,
        account_sid: accountSid,
        to,
        from,
        body,
        status: "queued",
        direction: "outbound-api",
        api_version: "2010-04-01",
        num_segments: "1",
        num_media: "0",
        price: null,
        price_unit: "USD",
        error_code: null,
        error_message: null,
        messaging_service_sid: null,
        date_created: now,
        date_updated: now,
        date_sent: null,
        uri,
        subresource_uris: { media: uri.replace(/\.json$/, "/Media.json") },
      },
    };
  }

  const contract = await startContractServer(new Map<string, TwilioMessage>(), {
    classify: (method, path) => (method === "POST" && messagesPath.test(path) ? "create" : undefined),
    handle(request) {
      const match = messagesPath.exec(request.path);
      if (request.method !== "POST" || !match) return { status: 404, body: twilioError(404, 20404, `The requested resource ${request.path} was not found`) };
      return authorized(request, decodeURIComponent(match[1] ?? "")) ? createMessage(request) : { status: 401, body: twilioError(401, 20003, "Authenticate") };
    },
    // Twilio words its own 429; the harness's scripted statuses keep their own message.
    errorBody: (status, message) => defaultError(status, status === 429 ? "Too Many Requests" : message),
  });
  const faults: SmsFaults = {
    add(fault, times = 1) {
      contract.faults.add("create", fault, times);
      return faults;
    },
    pending: () => contract.faults.pending("create"),
    clear: () => contract.faults.clear(),
  };
  return {
    url: contract.url,
    port: contract.port,
    accountSid,
    authToken,
    smsUrl: (from = "+15550000000") => `twilio://${accountSid}:${encodeURIComponent(authToken)}@${from}?base=${encodeURIComponent(contract.url)}`,
    messages,
    faults,
    requests: contract.requests,
    async waitForMessage(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find(predicate);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching SMS within ${timeoutMs} ms (${messages.length} received)`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    close: contract.close,
  };
}
