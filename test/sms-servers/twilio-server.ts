import { randomBytes } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Fault, RecordedRequest } from "../idp-servers/harness.ts";

/**
 * Twilio's Programmable Messaging API as documented, for contract and end-to-end tests:
 * - POST /2010-04-01/Accounts/{AccountSid}/Messages.json, HTTP Basic (AccountSid:AuthToken), form
 *   fields To, From, Body → 201 `{sid: "SM…", status: "queued", to, from, body, …}`;
 * - wrong credentials → 401 `{code: 20003, message: "Authenticate"}`; To not E.164 → 400 21211 (the
 *   message quotes the number, as Twilio's does); To/From/Body missing → 400 21604/21603/21602;
 * - errors are Twilio's JSON `{code, message, more_info, status}`; other paths → 404 20404.
 * Faults (the IdP harness's kinds) apply to message requests, in the order they were added.
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

type Reply = { status: number; body: unknown; headers?: Record<string, string> };

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
  const requests: RecordedRequest[] = [];
  const queue: Fault[] = [];
  const faults: SmsFaults = {
    add(fault, times = 1) {
      for (let i = 0; i < times; i++) queue.push(fault);
      return faults;
    },
    pending: () => queue.length,
    clear: () => void queue.splice(0),
  };

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

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const rawBody = Buffer.concat(chunks).toString("utf8");
      const method = req.method ?? "GET";
      const match = messagesPath.exec(url.pathname);
      const isMessage = method === "POST" && match !== null;
      const request: RecordedRequest = {
        method,
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: req.headers["content-type"]?.startsWith("application/x-www-form-urlencoded") ? Object.fromEntries(new URLSearchParams(rawBody)) : undefined,
        rawBody,
        operation: isMessage ? "create" : undefined,
        at: Date.now(),
      };
      requests.push(request);
      if (!isMessage) return send(res, { status: 404, body: twilioError(404, 20404, `The requested resource ${url.pathname} was not found`) });

      const fault = queue.shift();
      if (fault?.type === "hang") return;
      if (fault?.type === "rate-limit")
        return send(res, { status: 429, body: defaultError(429, "Too Many Requests"), headers: { "retry-after": fault.retryAfter } });
      if (fault?.type === "status") {
        return send(res, {
          status: fault.status,
          body: fault.body ?? defaultError(fault.status, `scripted failure ${fault.status}`),
          ...(fault.headers ? { headers: fault.headers } : {}),
        });
      }
      const reply = authorized(request, decodeURIComponent(match[1] ?? ""))
        ? createMessage(request)
        : { status: 401, body: twilioError(401, 20003, "Authenticate") };
      // "apply-then-hang": accepted (the SMS went out) but the answer is lost.
      if (fault?.type === "apply-then-hang") return;
      send(res, reply);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    accountSid,
    authToken,
    smsUrl: (from = "+15550000000") => `twilio://${accountSid}:${encodeURIComponent(authToken)}@${from}?base=${encodeURIComponent(url)}`,
    messages,
    faults,
    requests,
    async waitForMessage(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find(predicate);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching SMS within ${timeoutMs} ms (${messages.length} received)`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, { ...reply.headers, "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(reply.body));
}
