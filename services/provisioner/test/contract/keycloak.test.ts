import { describe, expect, it } from "vitest";
import { PermanentError } from "@signup/queue";
import { keycloakAdapter } from "../../src/adapters/keycloak.ts";
import { rejectionOf, sampleUser, testTimeoutMs } from "./fixtures.ts";
import { startKeycloakServer, type KeycloakServer } from "@signup/test/idp-servers";
import { sharedContract } from "./shared-contract.ts";

const adapterFor = (server: KeycloakServer, overrides: { clientSecret?: string; now?: () => number } = {}) =>
  keycloakAdapter(
    {
      baseUrl: server.baseUrl,
      realm: server.realm,
      clientId: server.clientId,
      clientSecret: overrides.clientSecret ?? server.clientSecret,
      timeoutMs: testTimeoutMs,
    },
    overrides.now ? { now: overrides.now } : {},
  );

describe("Keycloak admin REST adapter against its contract server", () => {
  const { current } = sharedContract({
    start: () => startKeycloakServer({ tokenLifetimeSeconds: 60 }),
    adapter: (server) => adapterFor(server),
    badRequest: { body: { field: "email", errorMessage: "invalidEmailMessage", params: ["email"] }, expectedText: "invalidEmailMessage" },
  });

  it("takes the id from Location (201 has no body) and sends the UserRepresentation", async () => {
    const server = current();
    const user = sampleUser();
    const result = await adapterFor(server).provision(user);
    expect(server.users.get(result.internalId)).toMatchObject({
      username: user.username,
      email: user.email,
      firstName: "Ada",
      lastName: "Lovelace",
      enabled: true,
      emailVerified: false,
      attributes: { external_id: [user.externalId] },
    });
    const [token] = server.requestsFor("token");
    expect(token?.path).toBe(`/realms/${server.realm}/protocol/openid-connect/token`);
    expect(token?.body).toMatchObject({ grant_type: "client_credentials", client_id: server.clientId });
    expect(server.requestsFor("create")[0]?.headers.authorization).toMatch(/^Bearer token-/);
  });

  it("sends custom fields as string attributes; our external_id cannot be overridden", async () => {
    const server = current();
    const user = sampleUser({ metadata: { plan: "pro", seats: 3, company: { size: 10 }, external_id: "forged" } });
    const result = await adapterFor(server).provision(user);
    expect(server.requestsFor("create")[0]?.body).toMatchObject({
      attributes: { plan: ["pro"], seats: ["3"], company: ['{"size":10}'], external_id: [user.externalId] },
    });
    expect(server.users.get(result.internalId)?.attributes).toEqual({
      plan: ["pro"],
      seats: ["3"],
      company: ['{"size":10}'],
      external_id: [user.externalId],
    });
  });

  it("looks up a duplicate by exact email and adopts only an account carrying our external id", async () => {
    const server = current();
    const user = sampleUser();
    await adapterFor(server).provision(user);
    await adapterFor(server).provision(user);
    const [lookup] = server.requestsFor("lookup");
    expect(lookup?.query.get("email")).toBe(user.email);
    expect(lookup?.query.get("exact")).toBe("true");

    const error = await rejectionOf(adapterFor(server).provision(sampleUser({ email: user.email })));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toContain("User exists with same email");
    expect(server.users.size).toBe(1);
  });

  it("caches the service-account token and refreshes it before expiry", async () => {
    const server = current();
    let clock = Date.now();
    const adapter = adapterFor(server, { now: () => clock });
    await adapter.provision(sampleUser());
    await adapter.provision(sampleUser());
    expect(server.requestsFor("token")).toHaveLength(1);
    clock += 31_000;
    await adapter.provision(sampleUser());
    expect(server.requestsFor("token")).toHaveLength(2);
  });

  it("a revoked token → 401 → one refresh, then success", async () => {
    const server = current();
    const adapter = adapterFor(server);
    await adapter.provision(sampleUser());
    server.revokeTokens();
    await adapter.provision(sampleUser());
    expect(server.requestsFor("token")).toHaveLength(2);
    expect(server.users.size).toBe(2);
  });

  it("deletes with DELETE /admin/realms/{realm}/users/{id} and the service-account token", async () => {
    const server = current();
    const user = sampleUser();
    const adapter = adapterFor(server);
    const { internalId } = await adapter.provision(user);
    expect(await adapter.deprovision({ internalId, externalId: user.externalId })).toEqual({ outcome: "deleted" });
    const [request] = server.requestsFor("delete");
    expect(request?.path).toBe(`/admin/realms/${server.realm}/users/${internalId}`);
    expect(request?.headers.authorization).toMatch(/^Bearer token-/);
  });

  it("the server answers Keycloak's 404 {error} for an unknown user id", async () => {
    const server = current();
    const tokenResponse = await fetch(`${server.url}/realms/${server.realm}/protocol/openid-connect/token`, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: server.clientId, client_secret: server.clientSecret }),
    });
    const { access_token } = (await tokenResponse.json()) as { access_token: string };
    const response = await fetch(`${server.url}/admin/realms/${server.realm}/users/no-such-user`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: "User not found" });
  });

  it("wrong client credentials → PermanentError from the token endpoint, secret not echoed", async () => {
    const server = current();
    const error = await rejectionOf(adapterFor(server, { clientSecret: "definitely-wrong" }).provision(sampleUser()));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toContain("unauthorized_client");
    expect(error.message).not.toContain("definitely-wrong");
  });

  it("the server rejects a user without username with Keycloak's 400", async () => {
    const server = current();
    const tokenResponse = await fetch(`${server.url}/realms/${server.realm}/protocol/openid-connect/token`, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: server.clientId, client_secret: server.clientSecret }),
    });
    const { access_token } = (await tokenResponse.json()) as { access_token: string };
    const response = await fetch(`${server.url}/admin/realms/${server.realm}/users`, {
      method: "POST",
      headers: { authorization: `Bearer ${access_token}`, "content-type": "application/json" },
      body: JSON.stringify({ email: "x@example.test" }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errorMessage: "error-user-attribute-required" });
  });
});
