import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PermanentError } from "@signup/queue";
import { externalIdFilter, scimAdapter } from "../../src/adapters/scim.ts";
import { rejectionOf, sampleUser } from "./fixtures.ts";
import { startScimmyServer, type ScimmyServer } from "@signup/test/idp-servers";

// Acceptance 2: the SCIM adapter against a SCIM server we did not write (SCIMMY + scimmy-routers).
describe("SCIM adapter against a real SCIMMY server", () => {
  let server: ScimmyServer;
  const adapter = (token = server.token) => scimAdapter({ baseUrl: server.baseUrl, token, timeoutMs: 2_000 });

  beforeAll(async () => {
    server = await startScimmyServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it("creates the user; SCIMMY stores what RFC 7643 parsing accepted", async () => {
    const user = sampleUser();
    const result = await adapter().provision(user);
    expect(result.adopted).toBe(false);
    expect(server.users.get(result.internalId)).toMatchObject({
      userName: user.username,
      externalId: user.externalId,
      active: true,
      name: { givenName: "Ada", familyName: "Lovelace" },
      emails: [{ value: user.email, primary: true }],
    });
  });

  it("409 uniqueness → adopts the user found by the externalId filter", async () => {
    const user = sampleUser();
    const first = await adapter().provision(user);
    const before = server.users.size;
    const second = await adapter().provision(user);
    expect(second).toEqual({ internalId: first.internalId, adopted: true });
    expect(server.users.size).toBe(before);
  });

  it("SCIMMY evaluates the externalId filter the adapter sends", async () => {
    const user = sampleUser();
    const { internalId } = await adapter().provision(user);
    const response = await fetch(`${server.baseUrl}/Users?${new URLSearchParams({ filter: externalIdFilter(user.externalId) })}`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    expect(response.status).toBe(200);
    const list = (await response.json()) as { totalResults: number; Resources: Array<{ id: string }> };
    expect(list.totalResults).toBe(1);
    expect(list.Resources[0]?.id).toBe(internalId);
  });

  it("a userName taken by another externalId → PermanentError", async () => {
    const taken = sampleUser();
    await adapter().provision(taken);
    const error = await rejectionOf(adapter().provision(sampleUser({ username: taken.username })));
    expect(error).toBeInstanceOf(PermanentError);
  });

  it("DELETE /Users/{id} through scimmy-routers removes the user (204); a second one is SCIMMY's 404 → not_found", async () => {
    const user = sampleUser();
    const { internalId } = await adapter().provision(user);
    const ref = { internalId, externalId: user.externalId };
    expect(await adapter().deprovision(ref)).toEqual({ outcome: "deleted" });
    expect(server.users.has(internalId)).toBe(false);
    expect(await adapter().deprovision(ref)).toEqual({ outcome: "not_found" });
    const response = await fetch(`${server.baseUrl}/Users/${internalId}`, { method: "DELETE", headers: { authorization: `Bearer ${server.token}` } });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "404" });
  });

  it("a wrong bearer token on delete → SCIMMY's 401 → PermanentError, the user stays", async () => {
    const user = sampleUser();
    const { internalId } = await adapter().provision(user);
    const error = await rejectionOf(adapter("wrong").deprovision({ internalId, externalId: user.externalId }));
    expect(error).toBeInstanceOf(PermanentError);
    expect(server.users.has(internalId)).toBe(true);
  });

  it("a wrong bearer token → SCIMMY's 401 → PermanentError", async () => {
    const error = await rejectionOf(adapter("wrong").provision(sampleUser()));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(/401/);
  });
});
