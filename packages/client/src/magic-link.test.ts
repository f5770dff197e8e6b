import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BASE_URL, createFakeApi, jsonResponse, makeSignUp, verification } from "../test/fake-api.ts";
import { type createMagicLinkFlow, createSignUpClient, SignUpError, type ResponseLike, type SignUp } from "./index.ts";

type Settled = { value: SignUp } | { error: unknown } | "pending";

/** Observes a promise without leaving a rejection unhandled while timers are advanced. */
function track(promise: Promise<SignUp>) {
  let state: Settled = "pending";
  promise.then(
    (value) => (state = { value }),
    (error: unknown) => (state = { error }),
  );
  return () => state;
}

/** A created sign-up whose email verification is pending; the fake answers it until told otherwise. */
async function setup(options?: Parameters<typeof createMagicLinkFlow>[1]) {
  const api = createFakeApi();
  const { signUp } = createSignUpClient({ baseUrl: BASE_URL, fetch: api.fetch });
  await signUp.create({ emailAddress: "ada@example.com" });
  api.state.signUp = makeSignUp({ verifications: { emailAddress: verification("unverified"), phoneNumber: null } });
  return { api, signUp, flow: signUp.createMagicLinkFlow(options) };
}

const verified = (extra: Partial<SignUp> = {}) =>
  makeSignUp({ status: "complete", verifications: { emailAddress: verification("verified"), phoneNumber: null }, ...extra });

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("magic-link flow", () => {
  it("sends the link, then resolves after N polls whose delays grow by the factor", async () => {
    const { api, signUp, flow } = await setup();
    const times: number[] = [];
    let polls = 0;
    api.script.push(jsonResponse(200, api.state.signUp)); // prepare-verification
    for (let i = 0; i < 4; i += 1) {
      api.script.push(() => {
        times.push(Date.now());
        polls += 1;
        return jsonResponse(200, polls === 4 ? verified() : api.state.signUp);
      });
    }

    const result = track(flow.startMagicLinkFlow({ redirectUrl: "https://app.test/done" }));
    await vi.advanceTimersByTimeAsync(60_000);

    const prepare = api.calls[1];
    expect([prepare?.method, prepare?.url, prepare?.body]).toEqual([
      "POST",
      `${BASE_URL}/v1/sign-ups/su_1/prepare-verification`,
      { strategy: "email_link", redirectUrl: "https://app.test/done" },
    ]);
    expect(times).toEqual([1000, 2500, 4750, 8125]); // waits of 1000, 1500, 2250, 3375
    expect(result()).toEqual({ value: verified() });
    expect(signUp.current).toEqual(verified());
    expect(api.calls).toHaveLength(6); // create, prepare, 4 polls: none after the answer
  });

  it("caps the wait at maxDelayMs", async () => {
    const { api, flow } = await setup({ initialDelayMs: 1000, factor: 2, maxDelayMs: 3000 });
    const times: number[] = [];
    api.script.push(jsonResponse(200, api.state.signUp));
    for (let i = 0; i < 5; i += 1) {
      api.script.push(() => {
        times.push(Date.now());
        return jsonResponse(200, api.state.signUp);
      });
    }

    flow.startMagicLinkFlow({ redirectUrl: "https://app.test/done" }).catch(() => {});
    await vi.advanceTimersByTimeAsync(12_000);
    flow.cancelMagicLinkFlow();
    expect(times.map((t, i) => t - (times[i - 1] ?? 0))).toEqual([1000, 2000, 3000, 3000, 3000]);
  });

  it("cancel rejects with magic_link_cancelled and stops fetching", async () => {
    const { api, flow } = await setup();
    const result = track(flow.startMagicLinkFlow({ redirectUrl: "https://app.test/done" }));
    await vi.advanceTimersByTimeAsync(2_600); // prepare + 2 polls
    const before = api.calls.length;

    flow.cancelMagicLinkFlow();
    await vi.advanceTimersByTimeAsync(0);
    const outcome = result();
    expect(outcome).toMatchObject({ error: { code: "magic_link_cancelled" } });
    expect(outcome !== "pending" && "error" in outcome && outcome.error instanceof SignUpError).toBe(true);

    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(api.calls.length).toBe(before);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("rejects with verification_expired when the link expires", async () => {
    const { api, flow } = await setup();
    const result = track(flow.startMagicLinkFlow({ redirectUrl: "https://app.test/done" }));
    await vi.advanceTimersByTimeAsync(1_000);
    api.state.signUp = makeSignUp({ verifications: { emailAddress: verification("expired"), phoneNumber: null } });
    await vi.advanceTimersByTimeAsync(1_500);
    expect(result()).toMatchObject({ error: { code: "verification_expired" } });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("retries network errors, 5xx and 429 (no sooner than Retry-After) with the backoff", async () => {
    const { api, flow } = await setup();
    const times: number[] = [];
    const at = (response: ResponseLike) => () => {
      times.push(Date.now());
      return response;
    };
    api.script.push(jsonResponse(200, api.state.signUp));
    api.script.push(() => {
      times.push(Date.now());
      throw new TypeError("Failed to fetch");
    });
    api.script.push(at(jsonResponse(503, "<html>down</html>")));
    api.script.push(at(jsonResponse(429, { code: "rate_limited", message: "Slow down" }, { "retry-after": "20" })));
    api.script.push(at(jsonResponse(200, verified())));

    const result = track(flow.startMagicLinkFlow({ redirectUrl: "https://app.test/done" }));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(times).toEqual([1000, 2500, 4750, 24750]);
    expect(result()).toEqual({ value: verified() });
  });

  it("rejects on a 404 or another 4xx and stops", async () => {
    const { api, flow } = await setup();
    api.script.push(jsonResponse(200, api.state.signUp));
    api.script.push(jsonResponse(404, { code: "not_found", message: "Not found" }));
    const result = track(flow.startMagicLinkFlow({ redirectUrl: "https://app.test/done" }));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(result()).toMatchObject({ error: { code: "not_found", status: 404 } });
    expect(api.calls).toHaveLength(3);
  });

  it("rejects when the link cannot be sent, without polling", async () => {
    const { api, flow } = await setup();
    api.script.push(jsonResponse(400, { code: "redirect_url_not_allowed", message: "No", fields: [{ field: "redirectUrl" }] }));
    const result = track(flow.startMagicLinkFlow({ redirectUrl: "https://evil.test" }));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(result()).toMatchObject({ error: { code: "redirect_url_not_allowed" } });
    expect(api.calls).toHaveLength(2);
  });
});
