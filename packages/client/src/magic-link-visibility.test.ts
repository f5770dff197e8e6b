import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BASE_URL, createFakeApi, jsonResponse, makeSignUp, verification } from "../test/fake-api.ts";
import { createMagicLinkFlow, createSignUpClient, type SignUp } from "./index.ts";

/** A stand-in for the browser's document: only what the SDK reads. */
function installDocument(initial: "visible" | "hidden") {
  const listeners = new Set<() => void>();
  const doc = {
    visibilityState: initial as string,
    addEventListener: vi.fn((_type: string, listener: () => void) => void listeners.add(listener)),
    removeEventListener: vi.fn((_type: string, listener: () => void) => void listeners.delete(listener)),
  };
  Object.defineProperty(globalThis, "document", { value: doc, configurable: true, writable: true });
  const set = (state: "visible" | "hidden") => {
    doc.visibilityState = state;
    for (const listener of [...listeners]) listener();
  };
  return { doc, listeners, set };
}

async function setup(options?: Parameters<typeof createMagicLinkFlow>[1]) {
  const api = createFakeApi();
  const { signUp } = createSignUpClient({ baseUrl: BASE_URL, fetch: api.fetch });
  await signUp.create({ emailAddress: "ada@example.com" });
  api.state.signUp = makeSignUp({ verifications: { emailAddress: verification("unverified"), phoneNumber: null } });
  const polls = () => api.calls.filter((c) => c.method === "GET").length;
  return { api, signUp, polls, flow: createMagicLinkFlow(signUp, options) };
}

function track(promise: Promise<SignUp>) {
  let state: { value: SignUp } | { error: unknown } | "pending" = "pending";
  promise.then(
    (value) => (state = { value }),
    (error: unknown) => (state = { error }),
  );
  return () => state;
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
  Reflect.deleteProperty(globalThis, "document");
});

describe("magic-link flow and page visibility", () => {
  it("stops with magic_link_paused once the page has been hidden longer than hiddenTimeoutMs", async () => {
    const page = installDocument("visible");
    const { polls, flow } = await setup();
    const result = track(flow.startMagicLinkFlow({ redirectUrl: "https://app.test/done" }));
    expect(page.doc.addEventListener).toHaveBeenCalledWith("visibilitychange", expect.any(Function));

    await vi.advanceTimersByTimeAsync(10_000);
    page.set("hidden");
    await vi.advanceTimersByTimeAsync(5 * 60_000 - 1);
    expect(result()).toBe("pending"); // polling goes on while hidden: the link may be clicked on a phone
    await vi.advanceTimersByTimeAsync(1);

    expect(result()).toMatchObject({ error: { code: "magic_link_paused" } });
    expect(page.doc.removeEventListener).toHaveBeenCalledWith("visibilitychange", page.doc.addEventListener.mock.calls[0]?.[1]);
    expect(page.listeners.size).toBe(0);
    const after = polls();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(polls()).toBe(after);
  });

  it("counts from the start when the page is already hidden, honouring a custom hiddenTimeoutMs", async () => {
    installDocument("hidden");
    const { flow } = await setup({ hiddenTimeoutMs: 30_000 });
    const result = track(flow.startMagicLinkFlow({ redirectUrl: "https://app.test/done" }));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(result()).toMatchObject({ error: { code: "magic_link_paused" } });
  });

  it("keeps going after a short absence and polls at once on return", async () => {
    const page = installDocument("visible");
    const { api, polls, flow } = await setup();
    const result = track(flow.startMagicLinkFlow({ redirectUrl: "https://app.test/done" }));
    await vi.advanceTimersByTimeAsync(20_000);
    page.set("hidden");
    await vi.advanceTimersByTimeAsync(4 * 60_000);

    api.state.signUp = makeSignUp({ status: "complete", verifications: { emailAddress: verification("verified"), phoneNumber: null } });
    const before = polls();
    page.set("visible");
    await vi.advanceTimersByTimeAsync(0);
    expect(polls()).toBe(before + 1);
    expect(result()).toMatchObject({ value: { status: "complete" } });
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(page.listeners.size).toBe(0);
  });

  it("removes its listener when the flow resolves or is cancelled", async () => {
    const page = installDocument("visible");
    const { api, flow } = await setup();
    flow.startMagicLinkFlow({ redirectUrl: "https://app.test/done" }).catch(() => {});
    expect(page.listeners.size).toBe(1);
    flow.cancelMagicLinkFlow();
    expect(page.listeners.size).toBe(0);

    api.script.push(jsonResponse(200, api.state.signUp));
    api.script.push(jsonResponse(200, makeSignUp({ verifications: { emailAddress: verification("verified"), phoneNumber: null } })));
    const result = track(flow.startMagicLinkFlow({ redirectUrl: "https://app.test/done" }));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(result()).toMatchObject({ value: { verifications: { emailAddress: { status: "verified" } } } });
    expect(page.listeners.size).toBe(0);
  });
});

describe("createMagicLinkFlow", () => {
  it("rejects with no_sign_up before a sign-up exists, and refuses nonsensical options", async () => {
    const { signUp } = createSignUpClient({ baseUrl: BASE_URL, fetch: createFakeApi().fetch });
    await expect(createMagicLinkFlow(signUp).startMagicLinkFlow({ redirectUrl: "https://app.test/done" })).rejects.toMatchObject({ code: "no_sign_up" });
    expect(() => createMagicLinkFlow(signUp, { factor: 0.5 })).toThrow(RangeError);
    expect(() => createMagicLinkFlow(signUp, { initialDelayMs: 0 })).toThrow(RangeError);
  });

  it("starting again cancels the flow still running", async () => {
    const { flow } = await setup();
    const first = track(flow.startMagicLinkFlow({ redirectUrl: "https://app.test/a" }));
    flow.startMagicLinkFlow({ redirectUrl: "https://app.test/b" }).catch(() => {});
    await vi.advanceTimersByTimeAsync(0);
    expect(first()).toMatchObject({ error: { code: "magic_link_cancelled" } });
    flow.cancelMagicLinkFlow();
  });
});
