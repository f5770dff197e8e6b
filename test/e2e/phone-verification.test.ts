import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, waitUntil, type TestSystem } from "@signup/test";
import { startTwilioServer, type TwilioMessage, type TwilioServer } from "@signup/test/sms-servers";

/**
 * The phone_code strategy through the real services (API, relay, mailer, SMS worker) with the
 * texts going to Twilio's contract server: the code arrives, wrong codes are capped, a new SMS
 * starts a new count, and the provider's failures are retried or dead-lettered as the worker
 * promises.
 */
describe("phone verification end to end", () => {
  let twilio: TwilioServer;
  let system: TestSystem;
  beforeAll(async () => {
    twilio = await startTwilioServer();
    system = await startTestSystem({
      label: "e2e-phone-verification",
      only: ["api", "relay", "mailer", "sms"],
      env: {
        SIGNUP_FIELDS: "email:required,phoneNumber:required",
        SMS_URL: twilio.smsUrl(),
        PRODUCT_NAME: "Acme",
        // A short cooldown, so "ask for a new code" can be tested by waiting; small backoff, so retries happen within the test.
        RESEND_COOLDOWN: "1s",
        JOB_BACKOFF_MS: "50",
        RATE_LIMIT_PER_MINUTE: "0",
      },
    });
  });
  afterAll(async () => {
    await system?.stop();
    await twilio?.close();
  });

  const call = (method: string, path: string, token?: string, body?: unknown) =>
    system.api.call(method, path, body, token ? { authorization: `Bearer ${token}` } : {});
  const codeIn = (message: TwilioMessage) => /^(\d{6}) is your Acme verification code\.$/.exec(message.body)?.[1] ?? "";
  const textsTo = (number: string) => twilio.messages.filter((m) => m.to === number);

  async function signUpWithPhone(email: string, phoneNumber: string) {
    const created = await call("POST", "/v1/sign-ups", undefined, { emailAddress: email, phoneNumber });
    expect(created.status).toBe(201);
    const { id, clientToken } = created.json as { id: string; clientToken: string };
    const prepare = () => call("POST", `/v1/sign-ups/${id}/prepare-verification`, clientToken, { strategy: "phone_code" });
    const attempt = (code: string) => call("POST", `/v1/sign-ups/${id}/attempt-verification`, clientToken, { strategy: "phone_code", code });
    return { id, clientToken, prepare, attempt };
  }

  it("the code arrives by SMS; five wrong codes kill it, even for the right one; a new SMS after the cooldown verifies", async () => {
    const number = "+12025550141";
    const signUp = await signUpWithPhone("phone.e2e@example.com", number);
    const prepared = await signUp.prepare();
    expect(prepared.json.verifications.phoneNumber).toMatchObject({ status: "unverified", strategy: "phone_code", attempts: 0 });

    const first = await twilio.waitForMessage((m) => m.to === number, 20_000);
    const code = codeIn(first);
    expect(code).toMatch(/^\d{6}$/);
    const wrong = code === "000000" ? "111111" : "000000";
    for (let i = 0; i < 5; i++) {
      const refused = await signUp.attempt(wrong);
      expect([refused.status, refused.json.code]).toEqual([422, "verification_failed"]);
    }
    const sixth = await signUp.attempt(code);
    expect([sixth.status, sixth.json.code]).toEqual([422, "too_many_attempts"]);

    // RESEND_COOLDOWN is 1 s: past it, a new prepare sends a new code and starts a new count.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect((await signUp.prepare()).json.verifications.phoneNumber).toMatchObject({ status: "unverified", attempts: 0 });
    const second = await twilio.waitForMessage((m) => m.to === number && m.sid !== first.sid, 20_000);
    const verified = await signUp.attempt(codeIn(second));
    expect(verified.status).toBe(200);
    expect(verified.json.verifications.phoneNumber.status).toBe("verified");
    expect(verified.json).toMatchObject({ status: "missing_requirements", unverifiedFields: ["email_address"] });

    // Both proved: the mail's code completes the sign-up.
    await call("POST", `/v1/sign-ups/${signUp.id}/prepare-verification`, signUp.clientToken, { strategy: "email_code" });
    const mail = await system.smtp.waitForMail((m) => m.to.includes("phone.e2e@example.com"));
    const emailCode = /code on the sign-up page: (\d{6})/.exec(mail.text)?.[1] ?? "";
    const done = await call("POST", `/v1/sign-ups/${signUp.id}/attempt-verification`, signUp.clientToken, { strategy: "email_code", code: emailCode });
    expect(done.json).toMatchObject({ status: "complete", phoneNumber: number, unverifiedFields: [] });
    expect(textsTo(number)).toHaveLength(2);
  });

  it("provider 500 twice: retried with backoff, one SMS delivered", async () => {
    const number = "+12025550142";
    twilio.faults.add({ type: "status", status: 500 }, 2);
    const signUp = await signUpWithPhone("retry.e2e@example.com", number);
    await signUp.prepare();

    const sms = await twilio.waitForMessage((m) => m.to === number, 20_000);
    expect(twilio.faults.pending()).toBe(0);
    expect(twilio.requests.filter((r) => (r.body as { To?: string } | undefined)?.To === number)).toHaveLength(3);
    // A moment for a stray duplicate to show up, if there were one.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(textsTo(number)).toHaveLength(1);
    expect((await signUp.attempt(codeIn(sms))).json.verifications.phoneNumber.status).toBe("verified");
  });

  it("provider 400: a dead letter with the provider's text, replayed once the fault is gone, delivered", async () => {
    const number = "+12025550143";
    twilio.faults.add({
      type: "status",
      status: 400,
      body: { code: 21610, message: `Attempt to send to unsubscribed recipient ${number}`, more_info: "https://www.twilio.com/docs/errors/21610", status: 400 },
    });
    const signUp = await signUpWithPhone("dead.letter.e2e@example.com", number);
    await signUp.prepare();

    const deadLetter = await waitUntil(
      async () => {
        const list = await system.api.admin("GET", "/admin/dead-letters?queue=sms");
        return (list.json.items as Array<{ jobId: string; failedReason: string; attemptsMade: number; queue: string }>).find((item) =>
          item.failedReason.includes("21610"),
        );
      },
      { timeoutMs: 20_000, what: "the SMS job in the dead letters" },
    );
    expect(deadLetter).toMatchObject({ queue: "sms", attemptsMade: 1 });
    expect(deadLetter.failedReason).toBe("Twilio POST Messages.json answered 400: 21610 Attempt to send to unsubscribed recipient +1202•••0143");
    expect(textsTo(number)).toHaveLength(0);

    twilio.faults.clear();
    const replay = await system.api.admin("POST", `/admin/dead-letters/sms/${encodeURIComponent(deadLetter.jobId)}/replay`);
    expect(replay.status).toBe(202);
    const sms = await twilio.waitForMessage((m) => m.to === number, 20_000);
    expect((await signUp.attempt(codeIn(sms))).json.verifications.phoneNumber.status).toBe("verified");
    const audit = await system.api.admin("GET", "/admin/audit?action=dead_letter.replayed");
    expect(audit.json.items.some((e: { data: { jobId?: string } }) => e.data.jobId === deadLetter.jobId)).toBe(true);
  });
});
