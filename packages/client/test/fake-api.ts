// A small in-memory stand-in for the sign-up API's answers, for unit tests of the SDK's own logic
// (token handling, backoff, error typing). The API's real behaviour is covered by its own tests.
import type { FetchInit, FetchLike, ResponseLike, SignUp, Verification } from "../src/types.ts";

export type RecordedCall = { method: string; url: string; headers: Record<string, string>; body: unknown; credentials: string };
type Scripted = ResponseLike | Error | ((call: RecordedCall) => ResponseLike);

export const BASE_URL = "http://api.test";
export const CLIENT_TOKEN = "ct_secret";

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): ResponseLike {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    status,
    headers: { get: (name) => lower.get(name.toLowerCase()) ?? null },
    text: async () => (typeof body === "string" ? body : JSON.stringify(body)),
  };
}

export function verification(status: Verification["status"]): Verification {
  return { status, strategy: "email_link", attempts: 0, expireAt: "2030-01-01T00:00:00.000Z" };
}

export function makeSignUp(overrides: Partial<SignUp> = {}): SignUp {
  return {
    id: "su_1",
    status: "missing_requirements",
    requiredFields: ["email_address"],
    optionalFields: [],
    missingFields: [],
    unverifiedFields: ["email_address"],
    verifications: { emailAddress: null, phoneNumber: null },
    emailAddress: "ada@example.com",
    phoneNumber: null,
    username: null,
    firstName: null,
    lastName: null,
    hasPassword: false,
    unsafeMetadata: {},
    createdUserId: null,
    completionToken: null,
    abandonAt: null,
    createdAt: "2030-01-01T00:00:00.000Z",
    ...overrides,
  };
}

/**
 * Answers like the contract: create → 201 with a clientToken, the rest → 200 with `state.signUp`
 * when the Bearer token matches, else 404 not_found. `script` answers take precedence, in order.
 */
export function createFakeApi() {
  const calls: RecordedCall[] = [];
  const script: Scripted[] = [];
  const state = { signUp: makeSignUp() };

  const fetch: FetchLike = async (url: string, init: FetchInit) => {
    const call: RecordedCall = {
      method: init.method,
      url,
      headers: { ...init.headers },
      body: init.body === undefined ? undefined : (JSON.parse(init.body) as unknown),
      credentials: init.credentials,
    };
    calls.push(call);
    const next = script.shift();
    if (next instanceof Error) throw next;
    if (typeof next === "function") return next(call);
    if (next !== undefined) return next;
    if (call.method === "POST" && url === `${BASE_URL}/v1/sign-ups`) return jsonResponse(201, { ...state.signUp, clientToken: CLIENT_TOKEN });
    if (!url.startsWith(`${BASE_URL}/v1/sign-ups/${state.signUp.id}`) || call.headers.authorization !== `Bearer ${CLIENT_TOKEN}`) {
      return jsonResponse(404, { code: "not_found", message: "Not found" });
    }
    return jsonResponse(200, state.signUp);
  };

  return { fetch, calls, script, state };
}

/** A Web-Storage-like map. */
export function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}
