import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, tableCounts } from "./build-test-app.ts";

describe("field errors", () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  beforeAll(async () => {
    ctx = await buildTestApp();
  });
  afterAll(async () => ctx?.close());

  const post = (url: string, payload: unknown) =>
    ctx.app.inject({ method: "POST", url, headers: { "content-type": "application/json" }, payload: JSON.stringify(payload) });

  it("names a present value of the wrong type invalid_type, not required", async () => {
    const response = await post("/account/register", { email: 42 });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: "validation_failed",
      fields: [{ field: "email", code: "invalid_type", message: "email must be a string." }],
    });
  });

  it("calls a missing field required", async () => {
    const response = await post("/account/register", {});
    expect(response.statusCode).toBe(400);
    expect(response.json().fields).toEqual([{ field: "email", code: "required", message: "email is required." }]);
  });

  it("does the same for the sign-up resource", async () => {
    const response = await post("/v1/sign-ups", { emailAddress: 42 });
    expect(response.statusCode).toBe(400);
    expect(response.json().fields).toEqual([{ field: "emailAddress", code: "invalid_type", message: "emailAddress must be a string." }]);
    const nullName = await post("/v1/sign-ups", { firstName: null });
    expect(nullName.json().fields).toEqual([{ field: "firstName", code: "invalid_type", message: "firstName must be a string." }]);
  });
});

describe("common passwords", () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  beforeAll(async () => {
    ctx = await buildTestApp();
  });
  afterAll(async () => ctx?.close());

  it("refuses one with common_password and writes nothing", async () => {
    const before = await tableCounts(ctx.database);
    const response = await ctx.app.inject({ method: "POST", url: "/account/register", payload: { email: "common@example.com", password: "password1" } });
    expect(response.statusCode).toBe(400);
    expect(response.json().fields).toEqual([{ field: "password", code: "common_password", message: "This password is too common; choose another." }]);
    expect(await tableCounts(ctx.database)).toEqual(before);
  });
});
