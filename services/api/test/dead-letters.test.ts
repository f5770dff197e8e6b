import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { randomUUID } from "node:crypto";
import { UnrecoverableError, Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserRegistered, queueNames } from "@signup/contracts";
import { createPublisher, createRedis, openQueues, type QueueSet } from "@signup/queue";
import { repoRoot } from "@signup/local-infra";
import { dropQueuePrefix, testRedisUrl, uniqueQueuePrefix, waitUntil } from "@signup/test";
import { adminToken, buildTestApp } from "./build-test-app.ts";

const run = promisify(execFile);

describe("dead letters, bull-board and metrics", () => {
  const prefix = uniqueQueuePrefix();
  const redis = createRedis(testRedisUrl(), "worker");
  let queues: QueueSet;
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  let worker: Worker;
  const userId = randomUUID();
  const event = UserRegistered.create({ userId }, { correlationId: "corr-dl" });

  beforeAll(async () => {
    queues = openQueues(redis, prefix);
    ctx = await buildTestApp({}, { queues });
    // A provisioning consumer that refuses for good: the job lands in the failed set at once.
    worker = new Worker(
      queueNames.provisioning,
      async (): Promise<void> => {
        throw new UnrecoverableError("IdP said 400: invalid email");
      },
      { connection: redis, prefix },
    );
    const producer = createRedis(testRedisUrl(), "producer");
    const publisher = createPublisher(producer, { prefix });
    await publisher.publish([event]);
    await publisher.close();
    producer.disconnect();
    await waitUntil(async () => (await queues.queues.get(queueNames.provisioning)!.getFailedCount()) === 1, { timeoutMs: 10_000, what: "the job to fail" });
  });
  afterAll(async () => {
    await worker?.close();
    await ctx?.close();
    await queues?.close();
    redis.disconnect();
    await dropQueuePrefix(testRedisUrl(), prefix);
  });

  const admin = (method: "GET" | "POST", url: string) => ctx.app.inject({ method, url, headers: { authorization: `Bearer ${adminToken}` } });

  it("lists a failed job with its reason, event and user", async () => {
    const list = await admin("GET", "/admin/dead-letters");
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({
      total: 1,
      nextCursor: null,
      items: [
        {
          queue: "provisioning",
          jobId: event.id,
          name: "UserRegistered",
          eventId: event.id,
          userId,
          correlationId: "corr-dl",
          failedReason: "IdP said 400: invalid email",
        },
      ],
    });
    expect((await admin("GET", "/admin/dead-letters?queue=mail")).json().items).toEqual([]);
  });

  it("the CLI lists it through the admin API", async () => {
    const address = await ctx.app.listen({ port: 0, host: "127.0.0.1" });
    // Asynchronously: the API answering the CLI runs in this very process.
    const cli = await run(process.execPath, ["--import", "tsx", "services/api/src/cli/dead-letters.ts", "list", "--queue", "provisioning"], {
      cwd: repoRoot,
      env: { ...process.env, API_URL: address, ADMIN_TOKEN: adminToken },
      encoding: "utf8",
    });
    expect(cli.stderr).toBe("");
    expect(cli.stdout).toContain(`provisioning\t${event.id}\tUserRegistered\tuser=${userId}`);
    expect(cli.stdout).toContain("IdP said 400: invalid email");
    expect(cli.stdout).toMatch(/1 dead letter\(s\)\n$/);
  });

  it("replays a dead letter with fresh attempts, audited; a second replay is refused", async () => {
    await worker.close(); // so the replayed job stays visible as waiting
    const replay = await admin("POST", `/admin/dead-letters/provisioning/${event.id}/replay`);
    expect([replay.statusCode, replay.json()]).toEqual([202, { status: "replayed", queue: "provisioning", jobId: event.id }]);
    const job = await queues.queues.get(queueNames.provisioning)!.getJob(event.id);
    expect(await job!.getState()).toBe("waiting");
    expect(job!.attemptsMade).toBe(0);
    const again = await admin("POST", `/admin/dead-letters/provisioning/${event.id}/replay`);
    expect([again.statusCode, again.json().code]).toEqual([409, "not_a_dead_letter"]);
    expect((await admin("POST", "/admin/dead-letters/nope/x/replay")).json().code).toBe("dead_letter_not_found");

    const audit = await admin("GET", `/admin/audit?userId=${userId}&action=dead_letter.replayed`);
    expect(audit.json().items).toEqual([
      expect.objectContaining({ correlationId: "corr-dl", eventId: event.id, data: expect.objectContaining({ queue: "provisioning" }) }),
    ]);
  });

  it("serves bull-board behind the admin token (a browser gets a Basic challenge)", async () => {
    const denied = await ctx.app.inject({ method: "GET", url: "/admin/queues" });
    expect(denied.statusCode).toBe(401);
    expect(denied.headers["www-authenticate"]).toContain("Basic");
    const basic = Buffer.from(`admin:${adminToken}`).toString("base64");
    const board = await ctx.app.inject({ method: "GET", url: "/admin/queues", headers: { authorization: `Basic ${basic}` } });
    expect(board.statusCode).toBe(200);
    expect(board.body.toLowerCase()).toContain("<!doctype html>");
    expect(board.headers["content-type"]).toContain("text/html");
  });

  it("exposes Prometheus metrics: queue depth by state and the outbox backlog", async () => {
    const metrics = await ctx.app.inject({ method: "GET", url: "/metrics" });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toMatch(/queue_jobs\{queue="provisioning",state="waiting"\} 1/);
    expect(metrics.body).toMatch(/outbox_unpublished_events \d+/);
    expect(metrics.body).toContain("http_requests_total");
  });
});
