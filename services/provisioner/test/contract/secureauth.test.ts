import { describe, expect, it } from "vitest";
import { PermanentError } from "@signup/queue";
import { secureAuthAdapter } from "../../src/adapters/secureauth.ts";
import { rejectionOf, sampleUser, testTimeoutMs } from "./fixtures.ts";
import { startSecureAuthServer, type SecureAuthServer } from "@signup/test/idp-servers";
import { sharedContract } from "./shared-contract.ts";

const adapterFor = (server: SecureAuthServer, overrides: { clientSecret?: string; now?: () => number } = {}) =>
  secureAuthAdapter(
    {
      baseUrl: server.baseUrl,
      tenantId: server.tenantId,
      poolId: server.poolId,
      clientId: server.clientId,
      clientSecret: overrides.clientSecret ?? server.clientSecret,
      timeoutMs: testTimeoutMs,
    },
    overrides.now ? { now: overrides.now } : {},
  );

describe("Cloudentity / SecureAuth Identity Pools adapter against its contract server", () => {
  const { current } = sharedContract({
    start: () => startSecureAuthServer({ tokenLifetimeSeconds: 60 }),
    adapter: (server) => adapterFor(server),
    badRequest: {
      body: { status_code: 400, error: "payload: given_name must be a string", error_code: "validation_failed", details: null },
      expectedText: "validation_failed: payload: given_name must be a string",
    },
  });

  it("gets a client-credentials token with the identity scopes and sends the NewUser body", async () => {
    const server = current();
    const user = sampleUser();
    await adapterFor(server).provision(user);
    const [token] = server.requestsFor("token");
    expect(token?.body).toMatchObject({ grant_type: "client_credentials", scope: "identity identity_self_registration" });
    expect(token?.headers.authorization).toMatch(/^Basic /);
    const [create] = server.requestsFor("create");
    expect(create?.path).toBe(`/api/identity/${server.tenantId}/system/pools/${server.poolId}/users`);
    expect(create?.headers.authorization).toMatch(/^Bearer token-/);
    expect(create?.body).toMatchObject({
      status: "active",
      identifiers: [
        { identifier: user.email, type: "email" },
        { identifier: user.externalId, type: "external" },
      ],
      verifiable_addresses: [{ address: user.email, type: "email", verified: false }],
      payload: { given_name: "Ada", family_name: "Lovelace" },
      metadata: {},
    });
  });

  it("puts custom fields into the payload, where our own profile fields win", async () => {
    const server = current();
    const user = sampleUser({ metadata: { plan: "pro", seats: 3, given_name: "Eve", email: "eve@example.test" } });
    const result = await adapterFor(server).provision(user);
    expect(server.requestsFor("create")[0]?.body).toMatchObject({
      payload: { plan: "pro", seats: 3, email: user.email, name: "Ada Lovelace", given_name: "Ada", family_name: "Lovelace" },
      metadata: {},
    });
    expect(server.users.get(result.internalId)?.payload).toMatchObject({ plan: "pro", seats: 3 });
  });

  it("caches the token across provisions and refreshes it before expiry", async () => {
    const server = current();
    let clock = Date.now();
    const adapter = adapterFor(server, { now: () => clock });
    await adapter.provision(sampleUser());
    await adapter.provision(sampleUser());
    await adapter.provision(sampleUser());
    expect(server.requestsFor("token")).toHaveLength(1);
    clock += 31_000; // 60 s lifetime minus the 30 s refresh margin has passed
    await adapter.provision(sampleUser());
    expect(server.requestsFor("token")).toHaveLength(2);
  });

  it("shares one token request between concurrent provisions", async () => {
    const server = current();
    const adapter = adapterFor(server);
    await Promise.all([adapter.provision(sampleUser()), adapter.provision(sampleUser()), adapter.provision(sampleUser())]);
    expect(server.requestsFor("token")).toHaveLength(1);
    expect(server.users.size).toBe(3);
  });

  it("a revoked token → 401 → one refresh, then success", async () => {
    const server = current();
    const adapter = adapterFor(server);
    await adapter.provision(sampleUser());
    server.revokeTokens();
    expect((await adapter.provision(sampleUser())).adopted).toBe(false);
    expect(server.requestsFor("token")).toHaveLength(2);
  });

  it("a wrong client secret → PermanentError naming invalid_client, without the secret", async () => {
    const server = current();
    const error = await rejectionOf(adapterFor(server, { clientSecret: "wrong-secret-value" }).provision(sampleUser()));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toContain("invalid_client");
    expect(error.message).not.toContain("wrong-secret-value");
  });

  it("a 500 from the token endpoint is retryable", async () => {
    const server = current();
    server.faults.add("token", { type: "status", status: 503 });
    const error = await rejectionOf(adapterFor(server).provision(sampleUser()));
    expect(error).not.toBeInstanceOf(PermanentError);
  });

  it("the server rejects a body without status with the Cloudentity 400 shape", async () => {
    const server = current();
    const tokenResponse = await fetch(`${server.url}/${server.tenantId}/system/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", scope: "identity", client_id: server.clientId, client_secret: server.clientSecret }),
    });
    const { access_token } = (await tokenResponse.json()) as { access_token: string };
    const response = await fetch(`${server.url}/api/identity/${server.tenantId}/system/pools/${server.poolId}/users`, {
      method: "POST",
      headers: { authorization: `Bearer ${access_token}`, "content-type": "application/json" },
      body: JSON.stringify({ identifiers: [] }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ status_code: 400, error_code: "bad_request" });
  });

  it("deletes with systemDeleteUser: DELETE .../pools/{pool}/users/{id} with the client-credentials token", async () => {
    const server = current();
    const user = sampleUser();
    const adapter = adapterFor(server);
    const { internalId } = await adapter.provision(user);
    expect(await adapter.deprovision({ internalId, externalId: user.externalId })).toEqual({ outcome: "deleted" });
    const [request] = server.requestsFor("delete");
    expect(request?.path).toBe(`/api/identity/${server.tenantId}/system/pools/${server.poolId}/users/${internalId}`);
    expect(request?.headers.authorization).toMatch(/^Bearer token-/);
    expect(server.requestsFor("token")).toHaveLength(1);
  });

  it("a revoked token on delete → one refresh, then the user is deleted", async () => {
    const server = current();
    const user = sampleUser();
    const adapter = adapterFor(server);
    const { internalId } = await adapter.provision(user);
    server.revokeTokens();
    expect(await adapter.deprovision({ internalId, externalId: user.externalId })).toEqual({ outcome: "deleted" });
    expect(server.requestsFor("token")).toHaveLength(2);
  });

  it("an email taken by another user (not ours) → PermanentError, nothing adopted", async () => {
    const server = current();
    const taken = sampleUser();
    await adapterFor(server).provision(taken);
    const error = await rejectionOf(adapterFor(server).provision(sampleUser({ email: taken.email })));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toContain("identifier_already_exists");
    expect(server.users.size).toBe(1);
  });
});
