import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PermanentError, RetryLaterError } from "@signup/queue";
import { scimAdapter } from "../../src/adapters/scim.ts";
import { rejectionOf, sampleUser, testTimeoutMs } from "./fixtures.ts";
import { startScimServer, type ScimServer } from "@signup/test/idp-servers";

describe("SCIM 2.0 adapter against the RFC 7644 contract server", () => {
  let server: ScimServer;
  const adapter = () => scimAdapter({ baseUrl: server.baseUrl, token: server.token, timeoutMs: testTimeoutMs });

  beforeEach(async () => {
    server = await startScimServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it("creates the user and returns the SCIM id", async () => {
    const user = sampleUser();
    const result = await adapter().provision(user);
    expect(result.adopted).toBe(false);
    const stored = server.users.get(result.internalId);
    expect(stored).toMatchObject({ userName: user.username, externalId: user.externalId, active: true });
    expect(stored?.emails?.[0]?.value).toBe(user.email);
  });

  it("sends the bearer token, the SCIM media type and the RFC 7643 body", async () => {
    const user = sampleUser();
    await adapter().provision(user);
    const [create] = server.requestsFor("create");
    expect(create?.headers.authorization).toBe(`Bearer ${server.token}`);
    expect(create?.headers["content-type"]).toBe("application/scim+json");
    expect(create?.body).toMatchObject({
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
      userName: user.username,
      externalId: user.externalId,
      name: { givenName: "Ada", familyName: "Lovelace" },
      emails: [{ value: user.email, primary: true }],
      active: true,
    });
  });

  it("uses the email as userName when the user chose no username", async () => {
    const user = sampleUser({ username: null });
    const result = await adapter().provision(user);
    expect(server.users.get(result.internalId)?.userName).toBe(user.email);
  });

  it("adopts the existing user on 409 uniqueness, looking it up by externalId", async () => {
    const user = sampleUser();
    const first = await adapter().provision(user);
    const second = await adapter().provision(user);
    expect(second).toEqual({ internalId: first.internalId, adopted: true });
    expect(server.users.size).toBe(1);
    const [lookup] = server.requestsFor("lookup");
    expect(lookup?.query.get("filter")).toBe(`externalId eq "${user.externalId}"`);
  });

  it("refuses to adopt a user whose userName is taken by someone else", async () => {
    const taken = sampleUser();
    await adapter().provision(taken);
    const error = await rejectionOf(adapter().provision(sampleUser({ username: taken.username })));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(/taken by a user with another externalId/);
  });

  it("429 → RetryLaterError with the Retry-After delay", async () => {
    server.faults.add("create", { type: "rate-limit", retryAfter: "2" });
    const error = await rejectionOf(adapter().provision(sampleUser()));
    expect(error).toBeInstanceOf(RetryLaterError);
    expect((error as RetryLaterError).delayMs).toBe(2_000);
  });

  it("500 → a retryable error, then success on the next attempt", async () => {
    server.faults.add("create", { type: "status", status: 500 }, 2);
    const user = sampleUser();
    for (let i = 0; i < 2; i++) {
      const error = await rejectionOf(adapter().provision(user));
      expect(error).not.toBeInstanceOf(PermanentError);
      expect(error).not.toBeInstanceOf(RetryLaterError);
    }
    expect((await adapter().provision(user)).adopted).toBe(false);
    expect(server.users.size).toBe(1);
  });

  it("a hung request times out with a retryable error", async () => {
    server.faults.add("create", { type: "hang" });
    const started = Date.now();
    const error = await rejectionOf(adapter().provision(sampleUser()));
    expect(error.message).toMatch(/timed out after 300 ms/);
    expect(error).not.toBeInstanceOf(PermanentError);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("created but the response was lost → the retry finds the user; still one user", async () => {
    server.faults.add("create", { type: "apply-then-hang" });
    const user = sampleUser();
    await rejectionOf(adapter().provision(user));
    expect(server.users.size).toBe(1);
    const retry = await adapter().provision(user);
    expect(retry.adopted).toBe(true);
    expect(server.users.has(retry.internalId)).toBe(true);
    expect(server.users.size).toBe(1);
  });

  it("400 → PermanentError carrying the SCIM detail", async () => {
    server.faults.add("create", { type: "status", status: 400, body: { schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "400", scimType: "invalidValue", detail: "emails: bad address" } });
    const error = await rejectionOf(adapter().provision(sampleUser()));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toContain("invalidValue: emails: bad address");
  });

  it("the server itself rejects a body without userName with a SCIM 400", async () => {
    const response = await fetch(`${server.baseUrl}/Users`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.token}`, "content-type": "application/scim+json" },
      body: JSON.stringify({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"] }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ status: "400", scimType: "invalidValue" });
  });

  it("a wrong token → 401 → PermanentError, with the token nowhere in the message", async () => {
    const wrong = scimAdapter({ baseUrl: server.baseUrl, token: "not-the-token", timeoutMs: testTimeoutMs });
    const error = await rejectionOf(wrong.provision(sampleUser()));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(/401/);
    expect(error.message).not.toContain("not-the-token");
  });

  it("a connection refused is retryable", async () => {
    await server.close();
    const error = await rejectionOf(adapter().provision(sampleUser()));
    expect(error).not.toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(/SCIM POST \/scim\/v2\/Users failed/);
    server = await startScimServer();
  });
});
