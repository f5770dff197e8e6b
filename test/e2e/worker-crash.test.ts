import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, waitUntil, type TestSystem } from "@signup/test";
import { startScimServer, type ScimServer } from "@signup/test/idp-servers";

/**
 * "Nothing lost when a worker is killed mid-job": a provisioner dies (SIGKILL) while its IdP call is
 * in flight and the IdP has already created the user. Its job's lock lapses, BullMQ hands the
 * stalled job to the replacement, which adopts the user: one IdP user, sign-up provisioned. With
 * the default worker settings (5 s lock, 4 s stalled check) that happens within 10 s.
 */
describe("a worker killed in the middle of a job", () => {
  let scim: ScimServer;
  let system: TestSystem;

  beforeAll(async () => {
    scim = await startScimServer();
    system = await startTestSystem({
      label: "worker-crash",
      only: ["api", "relay", "provisioner"],
      env: { IDP: "scim", SCIM_BASE_URL: scim.baseUrl, SCIM_TOKEN: scim.token, IDP_TIMEOUT_MS: "60000" },
    });
  });
  afterAll(async () => {
    await system?.stop();
    await scim?.close();
  });

  it("the job runs again on another worker and the sign-up is provisioned exactly once", async () => {
    const { api, stack } = system;
    scim.faults.add("create", { type: "apply-then-hang" });
    expect((await api.register({ email: "crash@example.com" })).status).toBe(202);

    await waitUntil(async () => scim.requestsFor("create").length === 1, { timeoutMs: 15_000, what: "the provisioner to be mid-request" });
    // The replacement is up before the kill, so the clock below measures BullMQ's take-over alone,
    // not a process start-up (which an orchestrator overlaps with the lock running out anyway).
    const replacement = stack.spawnAnother("provisioner");
    let ready = false;
    replacement.process.stdout?.on("data", (chunk: Buffer) => (ready ||= chunk.toString().includes("provisioner started")));
    await waitUntil(async () => ready, { timeoutMs: 30_000, what: "the replacement provisioner to start" });
    const victim = stack.services.get("provisioner")!;
    victim.process.kill("SIGKILL");
    await victim.exited;
    expect(scim.users.size).toBe(1); // the IdP did its part; our side never heard

    const killedAt = Date.now();
    const user = await waitUntil(
      async () => {
        const view = await api.admin("GET", "/admin/users?email=crash@example.com");
        return view.json.idp.status === "provisioned" ? view.json : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: "the stalled job to be taken over" },
    );
    const atIdp = [...scim.users.values()].filter((u) => u.externalId === user.id);
    expect(atIdp).toHaveLength(1);
    expect(user.idp.internalId).toBe(atIdp[0]!.id);
    const provisioned = user.timeline.filter((e: { action: string }) => e.action === "user.provisioned") as Array<{ at: string }>;
    expect(provisioned).toHaveLength(1);
    // Lock (5 s) + stalled check (4 s), with defaults; issue 8 asks for 10 s. Timed to the
    // replacement's own write (its audit entry; PostgreSQL shares this host's clock), not to when
    // the poll above saw it: under a full test run the admin API's answers can lag by seconds.
    expect(Date.parse(provisioned[0]!.at) - killedAt).toBeLessThan(10_000); // about 8 s here
  });
});
