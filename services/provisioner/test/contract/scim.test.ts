import { describe, expect, it } from "vitest";
import { PermanentError } from "@signup/queue";
import { scimAdapter, signupExtensionSchema } from "../../src/adapters/scim.ts";
import { rejectionOf, sampleUser, testTimeoutMs } from "./fixtures.ts";
import { startScimServer, type ScimServer } from "@signup/test/idp-servers";
import { sharedContract } from "./shared-contract.ts";

const adapterFor = (server: ScimServer, token = server.token) => scimAdapter({ baseUrl: server.baseUrl, token, timeoutMs: testTimeoutMs });

describe("SCIM 2.0 adapter against the RFC 7644 contract server", () => {
  const { current } = sharedContract({
    start: () => startScimServer(),
    adapter: (server) => adapterFor(server),
    badRequest: {
      body: { schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "400", scimType: "invalidValue", detail: "emails: bad address" },
      expectedText: "invalidValue: emails: bad address",
    },
  });
  const adapter = () => adapterFor(current());

  it("sends the bearer token, the SCIM media type and the RFC 7643 body", async () => {
    const user = sampleUser();
    await adapter().provision(user);
    const [create] = current().requestsFor("create");
    expect(create?.headers.authorization).toBe(`Bearer ${current().token}`);
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

  it("sends custom fields under our extension URN, and names no extension without them", async () => {
    const plainUser = sampleUser();
    await adapter().provision(sampleUser({ metadata: { plan: "pro", seats: 3 } }));
    await adapter().provision(plainUser);
    const [withFields, plain] = current().requestsFor("create");
    expect(signupExtensionSchema).toBe("urn:signup-pipeline:params:scim:schemas:extension:signup:2.0:User");
    expect(withFields?.body).toMatchObject({
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", signupExtensionSchema],
      [signupExtensionSchema]: { plan: "pro", seats: 3 },
    });
    // Exactly the body from before custom fields existed: strict servers reject unknown extensions.
    expect(plain?.body).toEqual({
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
      userName: plainUser.username,
      externalId: plainUser.externalId,
      name: { givenName: "Ada", familyName: "Lovelace", formatted: "Ada Lovelace" },
      displayName: "Ada Lovelace",
      emails: [{ value: plainUser.email, type: "work", primary: true }],
      active: true,
    });
  });

  it("uses the email as userName when the user chose no username", async () => {
    const user = sampleUser({ username: null });
    const result = await adapter().provision(user);
    expect(current().users.get(result.internalId)?.userName).toBe(user.email);
  });

  it("adopts the existing user on 409 uniqueness, looking it up by externalId", async () => {
    const user = sampleUser();
    const first = await adapter().provision(user);
    const second = await adapter().provision(user);
    expect(second).toEqual({ internalId: first.internalId, adopted: true });
    expect(current().users.size).toBe(1);
    const [lookup] = current().requestsFor("lookup");
    expect(lookup?.query.get("filter")).toBe(`externalId eq "${user.externalId}"`);
  });

  it("refuses to adopt a user whose userName is taken by someone else", async () => {
    const taken = sampleUser();
    await adapter().provision(taken);
    const error = await rejectionOf(adapter().provision(sampleUser({ username: taken.username })));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(/taken by a user with another externalId/);
  });

  it("the server itself rejects a body without userName with a SCIM 400", async () => {
    const response = await fetch(`${current().baseUrl}/Users`, {
      method: "POST",
      headers: { authorization: `Bearer ${current().token}`, "content-type": "application/scim+json" },
      body: JSON.stringify({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"] }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ status: "400", scimType: "invalidValue" });
  });

  it("a wrong token → 401 → PermanentError, with the token nowhere in the message", async () => {
    const wrong = adapterFor(current(), "not-the-token");
    const error = await rejectionOf(wrong.provision(sampleUser()));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(/401/);
    expect(error.message).not.toContain("not-the-token");
  });

  it("deletes with DELETE {base}/Users/{id}, the bearer token and no body; the server answers 204", async () => {
    const user = sampleUser();
    const { internalId } = await adapter().provision(user);
    await adapter().deprovision({ internalId, externalId: user.externalId });
    const [request] = current().requestsFor("delete");
    expect(request).toMatchObject({ method: "DELETE", path: `/scim/v2/Users/${internalId}`, rawBody: "" });
    expect(request?.headers.authorization).toBe(`Bearer ${current().token}`);
    const again = await fetch(`${current().baseUrl}/Users/${internalId}`, { method: "DELETE", headers: { authorization: `Bearer ${current().token}` } });
    expect(again.status).toBe(404);
    expect(await again.json()).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "404" });
  });

  it("a connection refused is retryable", async () => {
    const stopped = adapter();
    await current().close();
    const error = await rejectionOf(stopped.provision(sampleUser()));
    expect(error).not.toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(/SCIM POST \/scim\/v2\/Users failed/);
  });
});
