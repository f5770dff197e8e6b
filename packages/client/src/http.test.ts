import { describe, expect, it } from "vitest";
import { BASE_URL, createFakeApi, jsonResponse } from "../test/fake-api.ts";
import { createSignUpClient, SignUpError } from "./index.ts";

async function failure(promise: Promise<unknown>): Promise<SignUpError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof SignUpError)) throw new Error(`expected a SignUpError, got ${String(error)}`);
  return error;
}

async function created() {
  const api = createFakeApi();
  const { signUp } = createSignUpClient({ baseUrl: BASE_URL, fetch: api.fetch });
  await signUp.create({ emailAddress: "ada@example.com" });
  return { api, signUp };
}

describe("errors", () => {
  it("types a 422 from attempt-verification with the API's code and message", async () => {
    const { api, signUp } = await created();
    api.script.push(jsonResponse(422, { code: "verification_failed", message: "Wrong code" }));

    const error = await failure(signUp.attemptVerification({ strategy: "email_code", code: "000000" }));
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("SignUpError");
    expect({ code: error.code, status: error.status, fields: error.fields, message: error.message }).toEqual({
      code: "verification_failed",
      status: 422,
      fields: [],
      message: "Wrong code",
    });
  });

  it("carries the fields of a 400, filling in a field entry that has only a name", async () => {
    const { api, signUp } = await created();
    const fields = [{ field: "unsafeMetadata.age", code: "too_small", message: "Must be at least 13" }];
    api.script.push(jsonResponse(400, { code: "validation_failed", message: "Invalid body", fields }));
    api.script.push(jsonResponse(400, { code: "redirect_url_not_allowed", message: "Not allowed", fields: [{ field: "redirectUrl" }, "junk"] }));

    expect(await failure(signUp.update({ unsafeMetadata: { age: 3 } }))).toMatchObject({ code: "validation_failed", status: 400, fields });
    expect((await failure(signUp.prepareVerification({ strategy: "email_link", redirectUrl: "https://evil.test" }))).fields).toEqual([
      { field: "redirectUrl", code: "redirect_url_not_allowed", message: "redirect_url_not_allowed" },
    ]);
  });

  it("turns a failed fetch into network_error with status 0 and the cause", async () => {
    const api = createFakeApi();
    const cause = new TypeError("Failed to fetch");
    api.script.push(cause);
    const error = await failure(createSignUpClient({ baseUrl: BASE_URL, fetch: api.fetch }).signUp.create({}));
    expect(error).toMatchObject({ code: "network_error", status: 0, fields: [] });
    expect(error.cause).toBe(cause);
  });

  it("reports unexpected_response for an error page, a 2xx that is not a sign-up, or a create without token", async () => {
    const { api, signUp } = await created();
    api.script.push(jsonResponse(502, "<html>Bad gateway</html>"));
    api.script.push(jsonResponse(200, { hello: "world" }));
    expect(await failure(signUp.reload())).toMatchObject({ code: "unexpected_response", status: 502 });
    expect(await failure(signUp.reload())).toMatchObject({ code: "unexpected_response" });

    api.script.push(jsonResponse(201, { id: "su_2", status: "missing_requirements", verifications: {} }));
    expect(await failure(signUp.create({}))).toMatchObject({ code: "unexpected_response", status: 201 });
    expect(signUp.id).toBe("su_1");
  });

  it("reads Retry-After of a 429", async () => {
    const { api, signUp } = await created();
    api.script.push(jsonResponse(429, { code: "rate_limited", message: "Slow down" }, { "Retry-After": "30" }));
    expect(await failure(signUp.reload())).toMatchObject({ code: "rate_limited", status: 429, retryAfterSeconds: 30 });
  });
});
