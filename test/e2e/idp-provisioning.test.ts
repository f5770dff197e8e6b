import { afterAll, describe, expect, it } from "vitest";
import { startTestSystem, waitUntil, type TestSystem } from "@signup/test";
import { startScimmyServer, startSecureAuthServer } from "@signup/test/idp-servers";

type Closer = { close(): Promise<void> } | { stop(): Promise<void> };

/** Issue 3, acceptance 3: the whole pipeline provisions at a real SCIM server and at SecureAuth's contract. */
async function provisionedVia({ api }: TestSystem, email: string) {
  expect((await api.register({ email, firstName: "Grace", lastName: "Hopper" })).status).toBe(202);
  return waitUntil(
    async () => {
      const view = await api.admin("GET", `/admin/users?email=${encodeURIComponent(email)}`);
      return view.status === 200 && view.json.idp.status === "provisioned" ? view.json : undefined;
    },
    { timeoutMs: 20_000, what: `${email} to be provisioned` },
  );
}

describe("provisioning end to end", () => {
  const closers: Closer[] = [];
  afterAll(async () => {
    for (const c of closers.reverse()) await ("close" in c ? c.close() : c.stop());
  });

  // Each IdP gets a system (and so a database) of its own: two relays on one outbox would share its events.
  const systemFor = async (label: string, env: Record<string, string>) => {
    const system = await startTestSystem({ label, env, only: ["api", "relay", "provisioner"] });
    closers.push(system);
    return system;
  };

  it("IDP=scim against a real SCIM 2.0 server (SCIMMY): one user, its id stored and shown", async () => {
    const scim = await startScimmyServer();
    closers.push(scim);
    const system = await systemFor("idp-scim", { IDP: "scim", SCIM_BASE_URL: scim.baseUrl, SCIM_TOKEN: scim.token });
    const user = await provisionedVia(system, "grace@example.com");
    const atIdp = [...scim.users.values()].filter((u) => u.externalId === user.id);
    expect(atIdp).toHaveLength(1);
    expect(user.idp).toEqual({ name: "scim", status: "provisioned", internalId: atIdp[0]!.id, error: null });
    expect(user.timeline.find((e: { action: string }) => e.action === "user.provisioned").data).toMatchObject({ idp: "scim", internalId: atIdp[0]!.id });
  });

  it("IDP=secureauth against its contract server: one user in the pool, its id stored and shown", async () => {
    const secureauth = await startSecureAuthServer();
    closers.push(secureauth);
    const system = await systemFor("idp-secureauth", {
      IDP: "secureauth",
      SECUREAUTH_BASE_URL: secureauth.baseUrl,
      SECUREAUTH_TENANT_ID: secureauth.tenantId,
      SECUREAUTH_POOL_ID: secureauth.poolId,
      SECUREAUTH_CLIENT_ID: secureauth.clientId,
      SECUREAUTH_CLIENT_SECRET: secureauth.clientSecret,
    });
    const user = await provisionedVia(system, "ada@example.com");
    const atIdp = [...secureauth.users.values()].filter((u) => u.identifiers.some((i) => i.type === "external" && i.identifier === user.id));
    expect(atIdp).toHaveLength(1);
    expect(atIdp[0]!.identifiers).toContainEqual({ identifier: "ada@example.com", type: "email" });
    expect(user.idp).toMatchObject({ name: "secureauth", status: "provisioned", internalId: atIdp[0]!.id });
  });
});
