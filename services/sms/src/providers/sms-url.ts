import { z } from "zod";

/** What SMS_URL names, parsed once at start-up. */
export type SmsTarget =
  /** `log://`: the service's own log (development). */
  | { kind: "log" }
  /** `log:///abs/path/file.jsonl`: one JSON line per message (the dev inbox of `pnpm start`). */
  | { kind: "log-file"; path: string }
  /** `twilio://ACCOUNT_SID:AUTH_TOKEN@+15550000000[?base=https://api.dublin.ie1.twilio.com]` */
  | { kind: "twilio"; accountSid: string; authToken: string; from: string; baseUrl: string };

export const twilioDefaultBase = "https://api.twilio.com";

const forms = "log://, log:///absolute/path/file.jsonl or twilio://ACCOUNT_SID:AUTH_TOKEN@+15550000000";
const e164 = /^\+[1-9]\d{1,14}$/;
const accountSid = /^AC[0-9a-fA-F]{32}$/;

/** Its messages never include the URL: it may carry an auth token. */
export class SmsUrlError extends Error {
  override name = "SmsUrlError";
}

export function parseSmsUrl(value: string): SmsTarget {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new SmsUrlError(`not a URL; use ${forms}`);
  }
  if (url.protocol === "log:") return parseLog(url);
  if (url.protocol === "twilio:") return parseTwilio(url);
  throw new SmsUrlError(`unknown scheme "${url.protocol.replace(/:$/, "")}"; use ${forms}`);
}

function parseLog(url: URL): SmsTarget {
  // "log://x/y" would make "x" a host: a relative path is ambiguous under a service manager.
  if (url.host) throw new SmsUrlError("log:// takes an absolute path after three slashes, e.g. log:///var/lib/signup/sms.jsonl");
  if (url.search || url.username) throw new SmsUrlError("log:// takes no user or query");
  if (!url.pathname || url.pathname === "/") return { kind: "log" };
  return { kind: "log-file", path: decodeURIComponent(url.pathname) };
}

function parseTwilio(url: URL): SmsTarget {
  const sid = decodeURIComponent(url.username);
  const authToken = decodeURIComponent(url.password);
  // The host of a non-special URL is kept as written: "+15550000000" stays intact.
  const from = decodeURIComponent(url.host);
  if (!accountSid.test(sid)) throw new SmsUrlError("twilio:// needs the Account SID (AC + 32 hex digits) as the user name");
  if (!authToken) throw new SmsUrlError("twilio:// needs the Auth Token as the password");
  if (!e164.test(from)) throw new SmsUrlError("twilio:// needs the sender number in E.164 (e.g. +15550000000) as the host");
  if (url.pathname && url.pathname !== "/") throw new SmsUrlError("twilio:// takes no path");
  const unknown = [...url.searchParams.keys()].filter((key) => key !== "base");
  if (unknown.length > 0) throw new SmsUrlError(`twilio:// takes only the query parameter "base", not ${unknown.join(", ")}`);
  const base = url.searchParams.get("base") ?? twilioDefaultBase;
  let baseUrl: URL;
  try {
    baseUrl = new URL(base);
  } catch {
    throw new SmsUrlError("twilio:// base must be an http(s) URL");
  }
  if (baseUrl.protocol !== "https:" && baseUrl.protocol !== "http:") throw new SmsUrlError("twilio:// base must be an http(s) URL");
  return { kind: "twilio", accountSid: sid, authToken, from, baseUrl: baseUrl.href.replace(/\/+$/, "") };
}

/** The SMS_URL config entry: a bad value joins the start-up problem list (exit 78), like the others. */
export const smsUrl = z
  .string()
  .default("log://")
  .transform((value, ctx) => {
    try {
      return parseSmsUrl(value);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: error instanceof SmsUrlError ? error.message : "invalid" });
      return z.NEVER;
    }
  });
