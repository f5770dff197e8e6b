import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allQueueNames } from "@signup/contracts";
import { createRedis } from "@signup/queue";
import { startTestSystem, testRedisUrl, waitUntil, type TestSystem } from "@signup/test";

/**
 * Issue 8: a rolling restart under load. Every worker and the relay are replaced one by one while
 * sign-ups arrive: each old process gets SIGTERM, stops taking jobs, finishes the ones it holds and
 * exits 0. Nothing is lost, and no job ever stalls or runs twice.
 */
describe("a rolling restart under load", () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({
      label: "rolling-restart",
      only: ["api", "relay", "provisioner", "mailer", "onboarding"],
      env: { RATE_LIMIT_PER_MINUTE: "0" },
    });
  });
  afterAll(async () => system?.stop());

  it("loses nothing and stalls nothing", async () => {
    const { api, stack, smtp } = system;
    const total = 60;
    let sent = 0;
    const load = (async () => {
      const client = async () => {
        while (sent < total) {
          const i = sent++;
          expect((await api.register({ email: `rolling-${i}@example.com` })).status).toBe(202);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      await Promise.all(Array.from({ length: 4 }, client));
    })();

    for (const name of ["relay", "provisioner", "mailer", "onboarding"] as const) {
      await waitUntil(async () => sent >= total / 5, { timeoutMs: 20_000, what: "some load first" });
      stack.spawnAnother(name);
      const old = stack.services.get(name)!;
      old.process.kill("SIGTERM");
      expect(await old.exited).toBe(0);
    }
    await load;

    await waitUntil(
      async () => {
        const [row] = await system.database
          .sql`select count(*) filter (where idp_status = 'provisioned')::int as provisioned from users where email like 'rolling-%'`;
        return row!.provisioned === total && smtp.mails.filter((m) => m.to[0]?.startsWith("rolling-")).length >= total;
      },
      { timeoutMs: 60_000, what: "every sign-up to be provisioned and mailed" },
    );
    const mailed = new Set(smtp.mails.map((m) => m.to[0]).filter((to) => to?.startsWith("rolling-")));
    expect(mailed.size).toBe(total);

    const redis = createRedis(testRedisUrl(), "producer");
    try {
      for (const name of allQueueNames) {
        const queue = new Queue(name, { connection: redis, prefix: system.queuePrefix });
        expect(await queue.getFailedCount(), `${name} dead letters`).toBe(0);
        for (const job of await queue.getCompleted(0, 1_000)) {
          expect({ queue: name, attemptsMade: job.attemptsMade, stalled: job.stalledCounter }).toEqual({ queue: name, attemptsMade: 1, stalled: 0 });
        }
        await queue.close();
      }
    } finally {
      redis.disconnect();
    }
  });
});
