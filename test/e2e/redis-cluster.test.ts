import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserRegistered } from "@signup/contracts";
import { assertClusterPrefix, createPublisher, createRedis, RedisConfigError } from "@signup/queue";
import { spawnService } from "@signup/local-infra";
import { redisClusterUnavailable, startRedisCluster, startTestSystem, waitUntil, type RedisClusterHandle, type TestSystem } from "@signup/test";

const unavailable = redisClusterUnavailable();

/** The design's "Scale" promise: the whole pipeline on a Redis Cluster, given a hash-tagged prefix. */
describe.skipIf(unavailable !== undefined)(`the pipeline on a three-master Redis Cluster${unavailable ? ` (skipped: ${unavailable})` : ""}`, () => {
  let dir: string;
  let cluster: RedisClusterHandle;
  let system: TestSystem;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "signup-redis-cluster-"));
    cluster = await startRedisCluster({ dir });
    system = await startTestSystem({ label: "redis-cluster", redisUrl: cluster.url, env: { QUEUE_PREFIX: "{signup}" } });
  });
  afterAll(async () => {
    // The cluster is this test's own (startTestSystem leaves a given Redis alone): stop it last.
    await system?.stop();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("signs a user up end to end with QUEUE_PREFIX={signup}", async () => {
    const { api, smtp } = system;
    const email = `cluster.${randomUUID().slice(0, 8)}@example.com`;

    const registered = await api.register({ email });
    expect(registered.status).toBe(202);

    const mail = await smtp.waitForMail((m) => m.to.includes(email));
    const link = /https?:\/\/\S+\/account\/verify\/[A-Za-z0-9_-]+/.exec(mail.text)?.[0];
    expect(link, "the mail carries the verification link").toBeDefined();
    const verified = await fetch(link!, { method: "POST", redirect: "manual" });
    expect(verified.status).toBe(303);

    const user = await waitUntil(
      async () => {
        const view = await api.admin("GET", `/admin/users?email=${encodeURIComponent(email)}`);
        const done = view.json.idp?.status === "provisioned" && view.json.timeline?.some((e: { action: string }) => e.action === "user.onboarded");
        return done ? view.json : undefined;
      },
      { timeoutMs: 30_000, what: "the user to be provisioned and onboarded through the cluster" },
    );
    expect(user.status).toBe("active");
    expect(user.idp).toMatchObject({ name: "local", status: "provisioned" });
    const steps = user.timeline.map((entry: { action: string }) => entry.action);
    for (const action of ["user.registered", "user.provisioned", "verification.sent", "user.email_verified", "user.onboarded"]) {
      expect(steps).toContain(action);
    }
  });

  it("serves the operator views from the cluster", async () => {
    const { api } = system;
    const deadLetters = await api.admin("GET", "/admin/dead-letters");
    expect(deadLetters.status).toBe(200);
    expect(deadLetters.json.items).toEqual([]);
    const ready = await api.call("GET", "/readyz");
    expect(ready.json).toMatchObject({ status: "ok", checks: { db: "ok", redis: "ok" } });
  });

  it("refuses QUEUE_PREFIX without a hash tag on the cluster, which BullMQ could not use", async () => {
    // What each service's main.ts runs after loading its config (assertClusterPrefixOrExit).
    expect(() => assertClusterPrefix(cluster.url, "bull")).toThrow(RedisConfigError);
    expect(() => assertClusterPrefix(cluster.url, "bull")).toThrow("QUEUE_PREFIX must contain a hash tag such as {signup} on a Redis Cluster");
    expect(() => assertClusterPrefix(cluster.url, "{signup}")).not.toThrow();
    expect(() => assertClusterPrefix("redis://127.0.0.1:6379", "bull")).not.toThrow();
    // And a service given such a configuration stops at start-up with that line.
    let output = "";
    const relay = spawnService(
      "relay",
      { DATABASE_URL: "postgres://127.0.0.1:1/none", REDIS_URL: cluster.url, QUEUE_PREFIX: "bull" },
      (_name, chunk) => (output += chunk.toString()),
    );
    expect(await relay.exited).toBe(78);
    expect(output).toContain("QUEUE_PREFIX must contain a hash tag");

    // Why: without a hash tag a queue's keys land in different slots and every add fails.
    const connection = createRedis(cluster.url, "producer");
    const publisher = createPublisher(connection, { prefix: `bull-${randomUUID().slice(0, 8)}` });
    try {
      await waitUntil(async () => connection.status === "ready", { timeoutMs: 10_000, what: "the cluster connection" });
      const event = UserRegistered.create({ userId: randomUUID() }, { correlationId: randomUUID() });
      await expect(publisher.publish([event])).rejects.toThrow(/CROSSSLOT|same slot/);
    } finally {
      await publisher.close();
      connection.disconnect();
    }
  });
});
