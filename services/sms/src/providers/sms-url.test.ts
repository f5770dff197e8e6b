import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "@signup/config";
import { createLogger } from "@signup/logger";
import { selectProvider } from "./select-provider.ts";
import { parseSmsUrl, smsUrl, SmsUrlError } from "./sms-url.ts";

const sid = `AC${"0123456789abcdef".repeat(2)}`;
const problemsFor = (env: Record<string, string>) => {
  try {
    parseConfig({ SMS_URL: smsUrl }, env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};
const messageOf = (value: string) => {
  try {
    parseSmsUrl(value);
  } catch (error) {
    if (error instanceof SmsUrlError) return error.message;
    throw error;
  }
  throw new Error(`${value} parsed`);
};

describe("SMS_URL", () => {
  it("log:// is the service log, log:///path a JSON-lines file", () => {
    expect(parseSmsUrl("log://")).toEqual({ kind: "log" });
    expect(parseSmsUrl("log:///")).toEqual({ kind: "log" });
    expect(parseSmsUrl("log:///var/lib/signup/dev%20sms.jsonl")).toEqual({ kind: "log-file", path: "/var/lib/signup/dev sms.jsonl" });
    expect(messageOf("log://relative/sms.jsonl")).toMatch(/absolute path after three slashes/);
  });

  it("twilio:// carries account, token and sender, and an optional base", () => {
    expect(parseSmsUrl(`twilio://${sid}:s3cr%2Ft@+15550000000`)).toEqual({
      kind: "twilio",
      accountSid: sid,
      authToken: "s3cr/t",
      from: "+15550000000",
      baseUrl: "https://api.twilio.com",
    });
    expect(parseSmsUrl(`twilio://${sid}:t@+15550000000?base=http://127.0.0.1:4010/`)).toMatchObject({ baseUrl: "http://127.0.0.1:4010" });
    expect(parseSmsUrl(`twilio://${sid}:t@+15550000000?base=${encodeURIComponent("https://api.dublin.ie1.twilio.com")}`)).toMatchObject({
      baseUrl: "https://api.dublin.ie1.twilio.com",
    });
  });

  it("says what is wrong with a Twilio URL, without echoing the token", () => {
    const cases = [
      [`twilio://SKabc:hunter2@+15550000000`, /Account SID/],
      [`twilio://${sid}@+15550000000`, /Auth Token/],
      [`twilio://${sid}:hunter2@15550000000`, /E\.164/],
      [`twilio://${sid}:hunter2@+15550000000?region=ie1`, /only the query parameter "base", not region/],
      [`twilio://${sid}:hunter2@+15550000000?base=ftp://x`, /http\(s\) URL/],
    ] as const;
    for (const [url, expected] of cases) {
      const message = messageOf(url);
      expect(message).toMatch(expected);
      expect(message).not.toContain("hunter2");
    }
  });

  it("defaults to log:// and lists an unknown scheme as a configuration problem", () => {
    expect(parseConfig({ SMS_URL: smsUrl }, {}).SMS_URL).toEqual({ kind: "log" });
    expect(problemsFor({ SMS_URL: "vonage://key:secret@+15550000000" })).toEqual([
      'SMS_URL: unknown scheme "vonage"; use log://, log:///absolute/path/file.jsonl or twilio://ACCOUNT_SID:AUTH_TOKEN@+15550000000',
    ]);
    expect(problemsFor({ SMS_URL: "nonsense" })).toEqual([expect.stringMatching(/^SMS_URL: not a URL/)]);
  });

  it("selectProvider builds the provider SMS_URL names", () => {
    const options = { logger: createLogger({ name: "test", level: "silent" }), timeoutMs: 1_000 };
    expect(selectProvider("log://", options).name).toBe("log");
    expect(selectProvider("log:///tmp/sms.jsonl", options).name).toBe("log-file");
    expect(selectProvider(`twilio://${sid}:t@+15550000000`, options).name).toBe("twilio");
    expect(() => selectProvider("smpp://x", options)).toThrow(SmsUrlError);
  });
});
