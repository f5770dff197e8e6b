import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "@signup/local-infra";
import { startRedisServer, startTestSystem, waitUntil, type TestSystem } from "@signup/test";

type RedisServer = Awaited<ReturnType<typeof startRedisServer>>;

/** Acceptance 2: Redis is down while the sign-up arrives; nothing is lost once it is back. */
describe("a sign-up during a Redis outage", () => {
  let system: TestSystem;
  let redis: RedisServer;
  const redisDir = join(repoRoot, ".data", `test-redis-outage-${process.pid}`);

  beforeAll(async () => {
    // A Redis of this test's own, so killing it touches nothing else.
    redis = await startRedisServer({ dir: redisDir, persist: false });
    system = await startTestSystem({ label: "e2e-redis-outage", redisUrl: redis.url });
  });
  afterAll(async () => {
    await system?.stop();
    await redis?.stop();
    rmSync(redisDir, { recursive: true, force: true });
  });

  it("answers 202 with Redis stopped and completes the sign-up when Redis returns", async () => {
    const { api, database, smtp } = system;
    const port = redis.port;
    await redis.stop();

    const registered = await api.register({ email: "outage@example.com" });
    expect(registered.status).toBe(202);
    expect(registered.json).toEqual({ status: "okay" });

    // While Redis is down the event waits in the outbox.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const [row] = await database.sql`select published_at from outbox where type = 'UserRegistered'`;
    expect(row?.published_at).toBeNull();
    expect(smtp.mails).toHaveLength(0);

    redis = await startRedisServer({ dir: redisDir, port, persist: false });

    const mail = await smtp.waitForMail((m) => m.to.includes("outage@example.com"), 30_000);
    const link = /https?:\/\/\S+\/account\/verify\/[A-Za-z0-9_-]+/.exec(mail.text)?.[0];
    expect(link).toBeDefined();
    const verified = await fetch(link!, { method: "POST", headers: { accept: "application/json" } });
    expect(await verified.json()).toEqual({ status: "verified" });

    const user = await waitUntil(
      async () => {
        const view = await api.admin("GET", "/admin/users?email=outage@example.com");
        return view.json.idp.status === "provisioned" && view.json.timeline.some((e: { action: string }) => e.action === "user.onboarded")
          ? view.json
          : undefined;
      },
      { timeoutMs: 30_000, what: "the sign-up to complete after Redis came back" },
    );
    expect(user.status).toBe("active");
  });
});
