import { describe, expect, it } from "vitest";
import { PermanentError, RetryLaterError } from "@signup/queue";
import { beyondIdentityAdapter } from "../../src/adapters/beyond-identity.ts";
import { rejectionOf, sampleUser, testTimeoutMs } from "./fixtures.ts";
import { startBeyondIdentityServer, type BeyondIdentityServer } from "@signup/test/idp-servers";
import { sharedContract } from "./shared-contract.ts";

const v1 = (server: BeyondIdentityServer, apiToken = server.apiToken) =>
  beyondIdentityAdapter({ api: "v1", baseUrl: server.baseUrl, apiToken, tenantId: server.tenantId, realmId: server.realmId, timeoutMs: testTimeoutMs });
const legacy = (server: BeyondIdentityServer) =>
  beyondIdentityAdapter({ api: "legacy", baseUrl: server.baseUrl, apiToken: server.apiToken, timeoutMs: testTimeoutMs });

/** CreateIdentity called by someone else (an admin, an import): not through our adapter. */
const createIdentityDirectly = (server: BeyondIdentityServer, traits: Record<string, unknown>) =>
  fetch(`${server.url}/v1/tenants/${server.tenantId}/realms/${server.realmId}/identities`, {
    method: "POST",
    headers: { authorization: `Bearer ${server.apiToken}`, "content-type": "application/json" },
    body: JSON.stringify({ identity: { display_name: "Made By Hand", traits } }),
  });

const badRequest = {
  body: {
    code: "bad_request",
    message: "invalid parameters",
    details: [{ type: "FieldViolations", field_violations: [{ field: "identity.display_name", description: "invalid" }] }],
  },
  expectedText: "bad_request: invalid parameters: identity.display_name invalid",
};

describe("Beyond Identity v1 (tenants/realms/identities) adapter against its contract server", () => {
  const { current } = sharedContract({ start: () => startBeyondIdentityServer(), adapter: (server) => v1(server), badRequest });

  it("sends the bearer API token and the CreateIdentity body", async () => {
    const server = current();
    const user = sampleUser();
    await v1(server).provision(user);
    const [create] = server.requestsFor("create");
    expect(create?.path).toBe(`/v1/tenants/${server.tenantId}/realms/${server.realmId}/identities`);
    expect(create?.headers.authorization).toBe(`Bearer ${server.apiToken}`);
    expect(create?.body).toEqual({
      identity: {
        display_name: "Ada Lovelace",
        traits: {
          type: "traits_v0",
          username: user.username,
          primary_email_address: user.email,
          external_id: user.externalId,
          given_name: "Ada",
          family_name: "Lovelace",
        },
      },
    });
  });

  it("stores our id as the identity's traits.external_id, with or without a chosen username", async () => {
    const server = current();
    for (const user of [sampleUser(), sampleUser({ username: null })]) {
      const { internalId } = await v1(server).provision(user);
      expect(server.users.get(internalId)?.external_id).toBe(user.externalId);
    }
    const chosen = sampleUser();
    const { internalId } = await v1(server).provision(chosen);
    const response = await fetch(
      `${server.url}/v1/tenants/${server.tenantId}/realms/${server.realmId}/identities?filter=${encodeURIComponent(`traits.username eq "${chosen.username}"`)}`,
      {
        headers: { authorization: `Bearer ${server.apiToken}` },
      },
    );
    expect(await response.json()).toMatchObject({ identities: [{ id: internalId, traits: { username: chosen.username, external_id: chosen.externalId } }] });
  });

  it("looks a 409 up with the documented traits.username filter", async () => {
    const server = current();
    const user = sampleUser();
    await v1(server).provision(user);
    await v1(server).provision(user);
    expect(server.requestsFor("lookup")[0]?.query.get("filter")).toBe(`traits.username eq "${user.username}"`);
  });

  it("uses our id as the username when the user has none", async () => {
    const server = current();
    const user = sampleUser({ username: null });
    const result = await v1(server).provision(user);
    expect(server.users.get(result.internalId)?.username).toBe(user.externalId);
  });

  it("does not adopt an identity that has our username but another email", async () => {
    const server = current();
    const taken = sampleUser();
    await v1(server).provision(taken);
    const error = await rejectionOf(v1(server).provision(sampleUser({ username: taken.username })));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toContain("conflict");
  });

  it("does not adopt an identity with our username and email but another external_id", async () => {
    const server = current();
    const theirs = sampleUser();
    await v1(server).provision(theirs);
    const error = await rejectionOf(v1(server).provision(sampleUser({ username: theirs.username, email: theirs.email })));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toContain("external_id");
    expect(server.users.size).toBe(1);
  });

  it("adopts an identity without external_id (made by hand, or before we sent one) when username and email match", async () => {
    const server = current();
    const user = sampleUser();
    const made = await createIdentityDirectly(server, { type: "traits_v0", username: user.username, primary_email_address: user.email });
    expect(made.status).toBe(200);
    expect(await v1(server).provision(user)).toEqual({ internalId: ((await made.json()) as { id: string }).id, adopted: true });
  });

  it("the server refuses an external_id that is not a string", async () => {
    const server = current();
    const response = await createIdentityDirectly(server, {
      type: "traits_v0",
      username: "x-numeric",
      primary_email_address: "x@example.test",
      external_id: 42,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      code: "bad_request",
      details: [{ field_violations: [{ field: "identity.traits.external_id", description: "invalid" }] }],
    });
  });

  it("honours RateLimit-Reset when a 429 has no Retry-After", async () => {
    const server = current();
    server.faults.add("create", { type: "status", status: 429, headers: { "ratelimit-reset": "7" } });
    const error = await rejectionOf(v1(server).provision(sampleUser()));
    expect(error).toBeInstanceOf(RetryLaterError);
    expect((error as RetryLaterError).delayMs).toBe(7_000);
  });

  it("deletes with DeleteIdentity (DELETE .../identities/{id}, bearer API token); the server answers 200 with no body", async () => {
    const server = current();
    const user = sampleUser();
    const { internalId } = await v1(server).provision(user);
    expect(await v1(server).deprovision({ internalId, externalId: user.externalId })).toEqual({ outcome: "deleted" });
    const [request] = server.requestsFor("delete");
    expect(request?.path).toBe(`/v1/tenants/${server.tenantId}/realms/${server.realmId}/identities/${internalId}`);
    expect(request?.headers.authorization).toBe(`Bearer ${server.apiToken}`);
    const again = await fetch(`${server.url}${request?.path ?? ""}`, { method: "DELETE", headers: { authorization: `Bearer ${server.apiToken}` } });
    expect(again.status).toBe(404);
    expect(await again.json()).toMatchObject({
      code: "not_found",
      message: "identity not found",
      details: [{ type: "ResourceInfo", resource_type: "Identity", id: internalId }],
    });
  });

  it("a wrong API token → 401 → PermanentError without the token", async () => {
    const server = current();
    const error = await rejectionOf(v1(server, "wrong-api-token").provision(sampleUser()));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toContain("unauthorized");
    expect(error.message).not.toContain("wrong-api-token");
  });
});

describe("Beyond Identity legacy (/v1/manage/users) adapter against its contract server", () => {
  const { current } = sharedContract({
    start: () => startBeyondIdentityServer(),
    adapter: (server) => legacy(server),
    badRequest: { ...badRequest, expectedText: "bad_request: invalid parameters" },
    adoptsOn409: false,
    deprovisions: false,
  });

  it("deprovision → PermanentError that says what to do (the legacy API documents no delete); nothing is sent", async () => {
    const server = current();
    const user = sampleUser();
    const { internalId } = await legacy(server).provision(user);
    const before = server.requests.length;
    const error = await rejectionOf(legacy(server).deprovision({ internalId, externalId: user.externalId }));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toContain(internalId);
    expect(error.message).toContain("BEYOND_IDENTITY_API=v1");
    expect(server.requests).toHaveLength(before);
    expect(server.users.has(internalId)).toBe(true);
  });

  it("sends all five required fields and stores internal_id", async () => {
    const server = current();
    const user = sampleUser();
    const result = await legacy(server).provision(user);
    expect(server.requestsFor("create")[0]?.body).toEqual({
      external_id: user.externalId,
      email: user.email,
      user_name: user.username,
      display_name: "Ada Lovelace",
      binding_token_delivery_method: "email",
    });
    expect(server.users.get(result.internalId)?.external_id).toBe(user.externalId);
  });

  it("the server rejects a body missing a required field with field violations", async () => {
    const server = current();
    const response = await fetch(`${server.url}/v1/manage/users`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.apiToken}`, "content-type": "application/json" },
      body: JSON.stringify({ email: "x@example.test", user_name: "x", display_name: "X", binding_token_delivery_method: "email" }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "bad_request", details: [{ field_violations: [{ field: "external_id", description: "missing" }] }] });
  });

  it("409 → PermanentError that says why (the legacy API documents no lookup by external_id)", async () => {
    const server = current();
    const user = sampleUser();
    await legacy(server).provision(user);
    const error = await rejectionOf(legacy(server).provision(user));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toContain("BEYOND_IDENTITY_API=v1");
    expect(server.users.size).toBe(1);
  });
});
