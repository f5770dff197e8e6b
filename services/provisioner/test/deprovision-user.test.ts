import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SignUpAbandoned } from "@signup/contracts";
import { createTestDatabase, type TestDatabase } from "@signup/test";
import { startKeycloakServer, startScimServer, type ContractServer } from "@signup/test/idp-servers";
import type { IdpAdapter } from "../src/adapters/adapter.ts";
import { keycloakAdapter } from "../src/adapters/keycloak.ts";
import { localAdapter } from "../src/adapters/local.ts";
import { scimAdapter } from "../src/adapters/scim.ts";
import { DEPROVISION_CONSUMER, deprovisionUser, recordDeprovisionFailed } from "../src/handlers/deprovision-user.ts";
import { rejectionOf, sampleUser, testTimeoutMs } from "./contract/fixtures.ts";

type Idp = { server: ContractServer<unknown>; adapter: IdpAdapter };

const idps: Array<{ label: string; start(): Promise<Idp> }> = [
  {
    label: "the SCIM contract server",
    async start() {
      const server = await startScimServer();
      return { server, adapter: scimAdapter({ baseUrl: server.baseUrl, token: server.token, timeoutMs: testTimeoutMs }) };
    },
  },
  {
    label: "the Keycloak contract server",
    async start() {
      const server = await startKeycloakServer();
      const { baseUrl, realm, clientId, clientSecret } = server;
      return { server, adapter: keycloakAdapter({ baseUrl, realm, clientId, clientSecret, timeoutMs: testTimeoutMs }) };
    },
  },
];

/** What the lifecycle sweep publishes once it has deleted the users row. */
const abandoned = (data: { userId: string | null; idp: string | null; idpInternalId: string | null }) =>
  SignUpAbandoned.create({ signUpId: randomUUID(), ...data }, { correlationId: `corr-${randomUUID()}` });

describe.each(idps)("deprovisioning an abandoned sign-up at $label", ({ start }) => {
  let database: TestDatabase;
  let idp: Idp;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.drop());
  beforeEach(async () => {
    idp = await start();
  });
  afterEach(async () => idp.server.close());

  const deps = () => ({ db: database.db, adapter: idp.adapter });
  const auditFor = (eventId: string) => database.sql`select action, actor, user_id, correlation_id, data from audit_log where event_id = ${eventId}`;

  async function provisionedUser() {
    const user = sampleUser();
    const { internalId } = await idp.adapter.provision(user);
    return { userId: user.externalId, internalId };
  }

  it("deletes the IdP user once, even when the job runs twice, with one audit entry", async () => {
    const { userId, internalId } = await provisionedUser();
    const event = abandoned({ userId, idp: idp.adapter.name, idpInternalId: internalId });

    expect(await deprovisionUser(event, deps())).toEqual({ outcome: "done", idpOutcome: "deleted" });
    expect(await deprovisionUser(event, deps())).toEqual({ outcome: "skipped", reason: "already_processed" });

    expect(idp.server.users.has(internalId)).toBe(false);
    expect(idp.server.requestsFor("delete")).toHaveLength(1);
    const audit = await auditFor(event.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: "user.deprovisioned",
      actor: "provisioner",
      user_id: userId,
      correlation_id: event.correlationId,
      data: { idp: idp.adapter.name, internalId, outcome: "deleted", signUpId: event.data.signUpId },
    });
    expect(await database.sql`select 1 from processed_events where consumer = ${DEPROVISION_CONSUMER} and event_id = ${event.id}`).toHaveLength(1);
  });

  it("an id the IdP does not know (404) is done, audited as not_found", async () => {
    const event = abandoned({ userId: randomUUID(), idp: idp.adapter.name, idpInternalId: randomUUID() });
    expect(await deprovisionUser(event, deps())).toEqual({ outcome: "done", idpOutcome: "not_found" });
    const [entry] = await auditFor(event.id);
    expect(entry).toMatchObject({ action: "user.deprovisioned", data: { outcome: "not_found" } });
  });

  it("a sign-up that never reached the IdP is skipped without a call", async () => {
    const event = abandoned({ userId: randomUUID(), idp: null, idpInternalId: null });
    expect(await deprovisionUser(event, deps())).toEqual({ outcome: "skipped", reason: "not_provisioned" });
    expect(idp.server.requestsFor("delete")).toHaveLength(0);
    expect(await auditFor(event.id)).toHaveLength(0);
  });

  it("a user provisioned at another IdP is skipped without a call", async () => {
    const { userId, internalId } = await provisionedUser();
    const event = abandoned({ userId, idp: "some-other-idp", idpInternalId: internalId });
    expect(await deprovisionUser(event, deps())).toMatchObject({ outcome: "skipped", reason: "provisioned_at_another_idp" });
    expect(idp.server.requestsFor("delete")).toHaveLength(0);
    expect(idp.server.users.has(internalId)).toBe(true);
  });

  it("a failed delete records nothing, so the retry deletes the user", async () => {
    const { userId, internalId } = await provisionedUser();
    const event = abandoned({ userId, idp: idp.adapter.name, idpInternalId: internalId });
    idp.server.faults.add("delete", { type: "status", status: 503 });
    await rejectionOf(deprovisionUser(event, deps()));
    expect(await auditFor(event.id)).toHaveLength(0);
    expect(await deprovisionUser(event, deps())).toEqual({ outcome: "done", idpOutcome: "deleted" });
    expect(idp.server.users.has(internalId)).toBe(false);
  });

  it("a dead letter is audited as user.deprovision_failed with the reason", async () => {
    const { userId, internalId } = await provisionedUser();
    const event = abandoned({ userId, idp: idp.adapter.name, idpInternalId: internalId });
    await recordDeprovisionFailed(event, new Error("IdP answered 403: forbidden"), deps());
    const [entry] = await auditFor(event.id);
    expect(entry).toMatchObject({
      action: "user.deprovision_failed",
      user_id: userId,
      data: { idp: idp.adapter.name, internalId, signUpId: event.data.signUpId, error: "IdP answered 403: forbidden" },
    });
  });
});

describe("deprovisioning at the local directory", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.drop());

  it("deletes the directory row by internal id; then, or for an id that is no uuid, not_found", async () => {
    const adapter = localAdapter(database.db);
    const user = sampleUser();
    const { internalId } = await adapter.provision(user);
    const event = abandoned({ userId: user.externalId, idp: "local", idpInternalId: internalId });
    expect(await deprovisionUser(event, { db: database.db, adapter })).toEqual({ outcome: "done", idpOutcome: "deleted" });
    expect(await database.sql`select 1 from local_directory where internal_id = ${internalId}`).toHaveLength(0);
    expect(await adapter.deprovision({ internalId, externalId: user.externalId })).toEqual({ outcome: "not_found" });
    expect(await adapter.deprovision({ internalId: "not-a-uuid", externalId: user.externalId })).toEqual({ outcome: "not_found" });
  });
});
