import { describe, expect, it, vi } from "vitest";
import { BASE_URL, CLIENT_TOKEN, createFakeApi, jsonResponse, makeSignUp, memoryStorage } from "../test/fake-api.ts";
import { createSignUpClient, SignUpError, STORAGE_KEY, type FetchLike, type ResponseLike } from "./index.ts";

describe("signUp.create and later calls", () => {
  it("creates without a token, keeps the client token out of the snapshot, and sends it as Bearer afterwards", async () => {
    const api = createFakeApi();
    const { signUp } = createSignUpClient({ baseUrl: `${BASE_URL}/`, fetch: api.fetch });

    const created = await signUp.create({ emailAddress: "ada@example.com" });
    expect(created.id).toBe("su_1");
    expect(created).not.toHaveProperty("clientToken");
    expect(signUp.id).toBe("su_1");
    expect(signUp.current).toEqual(created);
    expect(api.calls[0]).toEqual({
      method: "POST",
      url: `${BASE_URL}/v1/sign-ups`,
      headers: { accept: "application/json", "content-type": "application/json" },
      body: { emailAddress: "ada@example.com" },
      credentials: "omit",
    });

    await signUp.update({ firstName: "Ada" });
    await signUp.prepareVerification({ strategy: "email_code" });
    api.state.signUp = makeSignUp({ status: "complete", completionToken: "jwt" });
    const done = await signUp.attemptVerification({ strategy: "email_code", code: "123456" });
    await signUp.reload();

    expect(done.completionToken).toBe("jwt");
    expect(signUp.current?.status).toBe("complete");
    expect(api.calls.slice(1).map((c) => [c.method, c.url.slice(BASE_URL.length), c.body])).toEqual([
      ["PATCH", "/v1/sign-ups/su_1", { firstName: "Ada" }],
      ["POST", "/v1/sign-ups/su_1/prepare-verification", { strategy: "email_code" }],
      ["POST", "/v1/sign-ups/su_1/attempt-verification", { strategy: "email_code", code: "123456" }],
      ["GET", "/v1/sign-ups/su_1", undefined],
    ]);
    for (const call of api.calls.slice(1)) expect(call.headers.authorization).toBe(`Bearer ${CLIENT_TOKEN}`);
    // No content-type without a body: fastify refuses an empty JSON body.
    expect(api.calls[4]?.headers).toEqual({ accept: "application/json", authorization: `Bearer ${CLIENT_TOKEN}` });
  });

  it("rejects every call with no_sign_up before a sign-up exists, without a request", async () => {
    const api = createFakeApi();
    const { signUp } = createSignUpClient({ baseUrl: BASE_URL, fetch: api.fetch });

    for (const call of [() => signUp.reload(), () => signUp.update({}), () => signUp.prepareVerification({ strategy: "email_code" })]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SignUpError);
      expect(error).toMatchObject({ code: "no_sign_up", status: 0, fields: [] });
    }
    expect(api.calls).toHaveLength(0);
    expect(signUp.current).toBeNull();
    expect(signUp.id).toBeNull();
  });

  it("keeps the newest snapshot when an older answer arrives last", async () => {
    const api = createFakeApi();
    const { signUp } = createSignUpClient({ baseUrl: BASE_URL, fetch: api.fetch });
    await signUp.create({ emailAddress: "ada@example.com" });

    let answerSlow: (response: ResponseLike) => void = () => {};
    api.state.signUp = makeSignUp({ firstName: "new" });
    const slowFetch = new Promise<ResponseLike>((resolve) => (answerSlow = resolve));
    const fetchSpy = vi.fn(api.fetch);
    fetchSpy.mockImplementationOnce(() => slowFetch);
    const { signUp: second } = createSignUpClient({ baseUrl: BASE_URL, fetch: fetchSpy, storage: storageWith("su_1") });

    const older = second.reload();
    await second.update({ firstName: "new" });
    answerSlow(jsonResponse(200, makeSignUp({ firstName: "old" })));
    await older;
    expect(second.current?.firstName).toBe("new");
  });
});

describe("storage", () => {
  it("persists {id, clientToken} after create and restores it in a new client, so a second page can reload", async () => {
    const api = createFakeApi();
    const storage = memoryStorage();
    await createSignUpClient({ baseUrl: BASE_URL, fetch: api.fetch, storage }).signUp.create({ emailAddress: "ada@example.com" });
    expect(JSON.parse(storage.items.get(STORAGE_KEY) ?? "null")).toEqual({ id: "su_1", clientToken: CLIENT_TOKEN });

    const { signUp } = createSignUpClient({ baseUrl: BASE_URL, fetch: api.fetch, storage });
    expect(signUp.id).toBe("su_1");
    expect(signUp.current).toBeNull();
    const reloaded = await signUp.reload();
    expect(reloaded.id).toBe("su_1");
    expect(signUp.current).toEqual(reloaded);
    expect(api.calls.at(-1)?.headers.authorization).toBe(`Bearer ${CLIENT_TOKEN}`);
  });

  it("clear() forgets the sign-up here and in storage", async () => {
    const api = createFakeApi();
    const storage = memoryStorage();
    const { signUp } = createSignUpClient({ baseUrl: BASE_URL, fetch: api.fetch, storage });
    await signUp.create({});

    signUp.clear();
    expect(storage.items.has(STORAGE_KEY)).toBe(false);
    expect([signUp.id, signUp.current]).toEqual([null, null]);
    await expect(signUp.reload()).rejects.toMatchObject({ code: "no_sign_up" });
    expect(createSignUpClient({ baseUrl: BASE_URL, fetch: api.fetch, storage }).signUp.id).toBeNull();
  });

  it("drops an unreadable stored value and survives a storage that throws", async () => {
    const corrupt = memoryStorage({ [STORAGE_KEY]: "{not json" });
    expect(createSignUpClient({ baseUrl: BASE_URL, fetch: createFakeApi().fetch, storage: corrupt }).signUp.id).toBeNull();
    expect(corrupt.items.has(STORAGE_KEY)).toBe(false);

    const failing = {
      getItem: () => {
        throw new Error("SecurityError");
      },
      setItem: () => {
        throw new Error("QuotaExceededError");
      },
      removeItem: () => {},
    };
    const { signUp } = createSignUpClient({ baseUrl: BASE_URL, fetch: createFakeApi().fetch, storage: failing });
    await expect(signUp.create({})).resolves.toMatchObject({ id: "su_1" });
    expect(signUp.id).toBe("su_1");
  });
});

describe("createSignUpClient", () => {
  it("defaults to the platform fetch, called on globalThis", async () => {
    // Compile-time: the platform's fetch fits the SDK's narrower signature.
    const platform: FetchLike = globalThis.fetch;
    expect(typeof platform).toBe("function");

    const api = createFakeApi();
    const seen: unknown[] = [];
    vi.stubGlobal("fetch", function (this: unknown, url: string, init: Parameters<FetchLike>[1]) {
      seen.push(this);
      return api.fetch(url, init);
    });
    try {
      await createSignUpClient({ baseUrl: BASE_URL }).signUp.create({});
    } finally {
      vi.unstubAllGlobals();
    }
    expect(seen).toEqual([globalThis]);
  });
});

function storageWith(id: string) {
  return memoryStorage({ [STORAGE_KEY]: JSON.stringify({ id, clientToken: CLIENT_TOKEN }) });
}
