import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queueNames } from "@signup/contracts";
import { createRedis } from "@signup/queue";
import { startTestSystem, testRedisUrl, waitUntil, type TestSystem } from "@signup/test";
import { startScimServer, type ScimServer } from "@signup/test/idp-servers";

/**
 * Issue 3, acceptance 4: the IdP misbehaves and the pipeline still makes exactly one IdP user per
 * sign-up, through the real relay, BullMQ retry policy and provisioner process.
 */
describe("provisioning when the IdP misbehaves", () => {
  let scim: ScimServer;
  let system: TestSystem;
  let provisioning: Queue;
  const redis = createRedis(testRedisUrl(), "producer");

  beforeAll(async () => {
    scim = await startScimServer();
    system = await startTestSystem({
      label: "idp-faults",
      only: ["api", "relay", "provisioner"],
      env: { IDP: "scim", SCIM_BASE_URL: scim.baseUrl, SCIM_TOKEN: scim.token, IDP_TIMEOUT_MS: "1000", JOB_BACKOFF_MS: "200" },
    });
    provisioning = new Queue(queueNames.provisioning, { connection: redis, prefix: system.queuePrefix });
  });
  afterAll(async () => {
    await provisioning?.close();
    redis.disconnect();
    await system?.stop();
    await scim?.close();
  });

  /** Registers, waits for the IdP status to settle, and returns the admin view and the job. */
  async function signUp(email: string, settled: "provisioned" | "failed") {
    const { api } = system;
    expect((await api.register({ email })).status).toBe(202);
    const user = await waitUntil(
      async () => {
        const view = await api.admin("GET", `/admin/users?email=${encodeURIComponent(email)}`);
        return view.status === 200 && view.json.idp.status === settled ? view.json : undefined;
      },
      { timeoutMs: 30_000, what: `${email} to be ${settled}` },
    );
    const eventId = user.timeline.find((e: { action: string }) => e.action === "user.registered").eventId as string;
    const job = await waitUntil(
      async () => {
        // The state first, then the job: the other way round, a job that finished in between came
        // back with its counters from before (attemptsMade 0 after a successful try).
        const state = await provisioning.getJobState(eventId);
        return state === "completed" || state === "failed" ? provisioning.getJob(eventId) : undefined;
      },
      { timeoutMs: 5_000, what: "the job to finish" },
    );
    const creates = scim.requestsFor("create").filter((r) => (r.body as { externalId?: string }).externalId === user.id);
    const atIdp = [...scim.users.values()].filter((u) => u.externalId === user.id);
    return { user, job, creates, atIdp };
  }

  it("500 twice then 201: retried with backoff, one user, provisioned", async () => {
    scim.faults.add("create", { type: "status", status: 500 }, 2);
    const { user, job, creates, atIdp } = await signUp("flaky@example.com", "provisioned");
    expect(creates).toHaveLength(3);
    expect(atIdp).toHaveLength(1);
    expect(user.idp.internalId).toBe(atIdp[0]!.id);
    expect(job.attemptsMade).toBe(3);
  });

  it("429 with Retry-After: 2 waits at least 2 s and burns no attempt", async () => {
    scim.faults.add("create", { type: "rate-limit", retryAfter: "2" });
    const { job, creates, atIdp } = await signUp("busy@example.com", "provisioned");
    expect(creates).toHaveLength(2);
    expect(creates[1]!.at - creates[0]!.at).toBeGreaterThanOrEqual(2_000);
    expect(atIdp).toHaveLength(1);
    expect(job.attemptsMade).toBe(1); // only the successful try counts
  });

  it("the IdP creates the user but the answer never comes: the retry finds it, still one user", async () => {
    scim.faults.add("create", { type: "apply-then-hang" });
    const { user, creates, atIdp } = await signUp("lost@example.com", "provisioned");
    expect(creates).toHaveLength(2);
    expect(atIdp).toHaveLength(1);
    expect(user.idp.internalId).toBe(atIdp[0]!.id);
    expect(user.timeline.find((e: { action: string }) => e.action === "user.provisioned").data.adopted).toBe(true);
  });

  it("400: a dead letter at once, visible in the admin views, and replayable", async () => {
    scim.faults.add("create", {
      type: "status",
      status: 400,
      body: { schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "400", scimType: "invalidValue", detail: "emails[0].value is not acceptable" },
    });
    const { user, job, creates, atIdp } = await signUp("refused@example.com", "failed");
    expect(creates).toHaveLength(1);
    expect(atIdp).toHaveLength(0);
    expect(job.attemptsMade).toBe(1);
    expect(await job.getState()).toBe("failed");
    expect(user.idp.error).toContain("emails[0].value is not acceptable");
    expect(user.timeline.map((e: { action: string }) => e.action)).toContain("user.provisioning_failed");

    const { api } = system;
    const deadLetters = await api.admin("GET", "/admin/dead-letters?queue=provisioning");
    expect(deadLetters.json.items).toEqual([
      expect.objectContaining({ jobId: job.id, userId: user.id, failedReason: expect.stringContaining("answered 400") }),
    ]);

    // Once the cause is fixed (here: the IdP accepts again), an operator replays it.
    const replay = await api.admin("POST", `/admin/dead-letters/provisioning/${job.id}/replay`);
    expect(replay.status).toBe(202);
    await waitUntil(async () => (await api.admin("GET", "/admin/users?email=refused@example.com")).json.idp.status === "provisioned", {
      timeoutMs: 15_000,
      what: "the replay to provision",
    });
    expect([...scim.users.values()].filter((u) => u.externalId === user.id)).toHaveLength(1);
  });
});
