import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PermanentError, RetryLaterError } from "@signup/queue";
import { startTwilioServer, type TwilioServer } from "@signup/test/sms-servers";
import { twilioProvider, type TwilioOptions } from "../src/providers/twilio.ts";

// Ordinary answers get room on a loaded CI machine; the hang test uses a short timeout of its own.
const timeoutMs = 2_000;
const to = "+15555550123";
const body = "123456 is your Acme verification code.";

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-Error: ${String(error)}`);
  }
  throw new Error("expected a rejection, but the promise resolved");
}

describe("Twilio adapter against the Messages API contract server", () => {
  let server: TwilioServer;
  const adapter = (overrides: Partial<TwilioOptions> = {}) =>
    twilioProvider({ accountSid: server.accountSid, authToken: server.authToken, from: "+15550000000", baseUrl: server.url, timeoutMs, ...overrides });
  // Nothing that identifies the person or the code may reach an error (stored with the failed job).
  const expectNoSecrets = (error: Error) => {
    expect(error.message).not.toContain("5555550123");
    expect(error.message).not.toContain("123456");
    expect(error.message).not.toContain(server.authToken);
  };

  beforeAll(async () => {
    server = await startTwilioServer();
  });
  afterAll(async () => {
    await server?.close();
  });
  beforeEach(() => {
    server.faults.clear();
    server.messages.length = 0;
    server.requests.length = 0;
  });

  it("201: posts To, From and Body with HTTP Basic and returns the message sid", async () => {
    const { id } = await adapter().send({ to, body });
    expect(id).toMatch(/^SM[0-9a-f]{32}$/);
    expect(server.messages).toEqual([expect.objectContaining({ sid: id, to, from: "+15550000000", body })]);
    const [request] = server.requests;
    expect(request?.path).toBe(`/2010-04-01/Accounts/${server.accountSid}/Messages.json`);
    expect(request?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(request?.headers.authorization).toBe(`Basic ${Buffer.from(`${server.accountSid}:${server.authToken}`).toString("base64")}`);
    expect(request?.body).toEqual({ To: to, From: "+15550000000", Body: body });
  });

  it("400 21211 (invalid To): PermanentError with Twilio's code, the number masked", async () => {
    // Real Twilio also refuses well-formed numbers that do not exist; its answer, scripted:
    server.faults.add({
      type: "status",
      status: 400,
      body: { code: 21211, message: `The 'To' number ${to} is not a valid phone number.`, more_info: "https://www.twilio.com/docs/errors/21211", status: 400 },
    });
    const rejected = await rejectionOf(adapter().send({ to, body }));
    expect(rejected).toBeInstanceOf(PermanentError);
    expect(rejected.message).toBe("Twilio POST Messages.json answered 400: 21211 The 'To' number +1555•••0123 is not a valid phone number.");
    expectNoSecrets(rejected);
  });

  it("the contract server's own validation: a non-E.164 To is 21211, a missing Body 21602", async () => {
    const badNumber = await rejectionOf(adapter().send({ to: "5555550123", body }));
    expect(badNumber).toBeInstanceOf(PermanentError);
    expect(badNumber.message).toContain("21211");
    expectNoSecrets(badNumber);
    const noBody = await rejectionOf(adapter().send({ to, body: "" }));
    expect([noBody instanceof PermanentError, noBody.message]).toEqual([true, "Twilio POST Messages.json answered 400: 21602 Message body is required."]);
    expect(server.messages).toEqual([]);
  });

  it("401 (wrong Auth Token): PermanentError, the token nowhere in it", async () => {
    const error = await rejectionOf(adapter({ authToken: "wrong-token" }).send({ to, body }));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toBe("Twilio POST Messages.json answered 401: 20003 Authenticate");
    expect(error.message).not.toContain("wrong-token");
  });

  it("404 (wrong account): PermanentError", async () => {
    const error = await rejectionOf(adapter({ baseUrl: `${server.url}/nowhere` }).send({ to, body }));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toContain("answered 404: 20404");
  });

  it("429 + Retry-After: RetryLaterError with that delay (seconds or HTTP date, 30 s without)", async () => {
    server.faults.add({ type: "rate-limit", retryAfter: "2" });
    const seconds = await rejectionOf(adapter().send({ to, body }));
    expect(seconds).toBeInstanceOf(RetryLaterError);
    expect((seconds as RetryLaterError).delayMs).toBe(2_000);
    expect(seconds.message).toContain("answered 429: 20429 Too Many Requests");

    server.faults.add({ type: "rate-limit", retryAfter: new Date(Date.now() + 5_000).toUTCString() });
    const date = (await rejectionOf(adapter().send({ to, body }))) as RetryLaterError;
    expect(date.delayMs).toBeGreaterThan(2_000);
    expect(date.delayMs).toBeLessThanOrEqual(5_000);

    server.faults.add({ type: "status", status: 429 });
    expect(((await rejectionOf(adapter().send({ to, body }))) as RetryLaterError).delayMs).toBe(30_000);
  });

  it("500: a plain Error, retried with backoff", async () => {
    server.faults.add({ type: "status", status: 500 });
    const error = await rejectionOf(adapter().send({ to, body }));
    expect(error).not.toBeInstanceOf(PermanentError);
    expect(error).not.toBeInstanceOf(RetryLaterError);
    expect(error.message).toBe("Twilio POST Messages.json answered 500: 20500 scripted failure 500");
  });

  it("a hung request times out as a retryable error", async () => {
    server.faults.add({ type: "hang" });
    const started = Date.now();
    const error = await rejectionOf(adapter({ timeoutMs: 300 }).send({ to, body }));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).not.toBeInstanceOf(PermanentError);
    expect(error).not.toBeInstanceOf(RetryLaterError);
    expect(error.message).toBe("Twilio POST Messages.json timed out after 300 ms");
  });

  it("a refused connection is retryable and names no number", async () => {
    const gone = await startTwilioServer();
    await gone.close();
    const error = await rejectionOf(adapter({ baseUrl: gone.url }).send({ to, body }));
    expect(error).not.toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(/^Twilio POST Messages\.json failed: /);
    expectNoSecrets(error);
  });
});
