import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import type { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmailVerified, InviteAccepted, queueNames } from "@signup/contracts";
import { createLogger } from "@signup/logger";
import { createPublisher, createRedis, PermanentError, startConsumer } from "@signup/queue";
import { inSpan, startMetricsServer, startTelemetry, type MetricsServer, type Telemetry } from "@signup/telemetry";
import { dropQueuePrefix, freePort, testRedisUrl, uniqueQueuePrefix, waitUntil } from "@signup/test";
import { startOtlpCollector, type CollectedSpan, type OtlpCollector } from "../support/otlp-collector.ts";

/**
 * A worker as main.ts runs it, in this process: tracing on (exporting to an in-memory collector),
 * the metrics server up. One traced event is published, consumed and followed by an event the
 * handler writes; one more fails for good. Spans, log lines and /metrics are then read back.
 */
describe("a traced job", () => {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      for (const line of chunk.toString().split("\n")) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger({ name: "job-telemetry-test", level: "debug" }, sink);
  const prefix = uniqueQueuePrefix();
  const redis = createRedis(testRedisUrl(), "worker");
  const producer = createRedis(testRedisUrl(), "producer");
  let collector: OtlpCollector;
  let telemetry: Telemetry;
  let metrics: MetricsServer;
  let worker: Worker;
  let request: { traceId: string; spanId: string };
  const followUps: Array<string | undefined> = [];
  const goodUserId = randomUUID();
  let spans: CollectedSpan[];

  beforeAll(async () => {
    collector = await startOtlpCollector();
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = collector.url;
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = "http/json";
    process.env.OTEL_BSP_SCHEDULE_DELAY = "50";
    telemetry = await startTelemetry({ serviceName: "job-telemetry-test" });
    metrics = await startMetricsServer({ port: await freePort(), host: "127.0.0.1" });
    worker = startConsumer({
      queue: queueNames.onboarding,
      connection: redis,
      prefix,
      logger,
      concurrency: 1,
      handlers: {
        EmailVerified: async (event, ctx) => {
          if (event.data.userId !== goodUserId) throw new PermanentError("no such user");
          ctx.logger.info("joining the inviting teams");
          // As an IdP adapter calls its IdP: fetch, with the address in a SCIM filter.
          await fetch(`${collector.url}/scim/v2/Users?filter=${encodeURIComponent('userName eq "ada@example.com"')}`);
          // What onboarding does: an event written inside the job carries the job's span.
          followUps.push(
            InviteAccepted.create({ userId: event.data.userId, teamId: randomUUID(), inviteId: randomUUID() }, { correlationId: event.correlationId })
              .traceparent,
          );
          return { outcome: "done" };
        },
        InviteCreated: async () => ({ outcome: "skipped" }),
      },
    });
    // The API's side: the event is written inside the request's span.
    const [good, bad] = await inSpan("test", "POST /account/verify/:token", {}, async (span) => {
      request = span.spanContext();
      return [EmailVerified.create({ userId: goodUserId }, { correlationId: "c1" }), EmailVerified.create({ userId: randomUUID() }, { correlationId: "c2" })];
    });
    const publisher = createPublisher(producer, { prefix, attempts: 1 });
    await publisher.publish([good!, bad!]);
    await publisher.close();
    await waitUntil(async () => lines.filter((line) => line.msg === "EmailVerified handled" || line.msg === "EmailVerified failed").length === 2, {
      timeoutMs: 10_000,
      what: "both jobs to finish",
    });
    await telemetry.shutdown(); // flushes every span to the collector
    spans = collector.spans;
  });

  afterAll(async () => {
    await worker?.close();
    await metrics?.close();
    await collector?.stop();
    redis.disconnect();
    producer.disconnect();
    await dropQueuePrefix(testRedisUrl(), prefix);
  });

  it("runs in a span under the hop that published it, under the span that wrote the event", () => {
    const jobs = spans.filter((span) => span.name === "process onboarding");
    const publishes = spans.filter((span) => span.name === "publish EmailVerified");
    expect(jobs).toHaveLength(2);
    expect(publishes).toHaveLength(2);
    for (const span of [...jobs, ...publishes]) expect(span.traceId).toBe(request.traceId);
    for (const publish of publishes) expect(publish.parentSpanId).toBe(request.spanId);
    for (const job of jobs) expect(publishes.map((p) => p.spanId)).toContain(job.parentSpanId);

    const done = jobs.find((span) => span.attributes["signup.job.outcome"] === "done")!;
    expect(done.attributes).toMatchObject({
      "messaging.system": "bullmq",
      "messaging.destination.name": "onboarding",
      "signup.event.type": "EmailVerified",
      "signup.job.attempt": 1,
    });
    expect(done.attributes["signup.event.id"]).toMatch(/^[0-9a-f-]{36}$/);
    const dead = jobs.find((span) => span.attributes["signup.job.outcome"] === "dead_letter")!;
    expect(dead.status).toMatchObject({ code: 2, message: "UnrecoverableError" }); // the class, never the message
    // The event the handler wrote carries the job's span as its parent-to-be.
    expect(followUps).toEqual([`00-${request.traceId}-${done.spanId}-01`]);
  });

  it("traces the handler's fetch under the job, scrubbed, and tells the server the trace", () => {
    const done = spans.find((span) => span.attributes["signup.job.outcome"] === "done")!;
    const client = spans.find((span) => span.parentSpanId === done.spanId && span.kind === 3)!; // CLIENT
    expect(client).toMatchObject({ name: "GET", traceId: request.traceId });
    expect(client.attributes["url.full"]).toBe(`${collector.url}/scim/v2/Users?filter=[redacted]`);
    expect(JSON.stringify(client.attributes)).not.toContain("ada");
    const call = collector.requests.find((r) => r.path.startsWith("/scim/"));
    expect(call?.traceparent).toBe(`00-${request.traceId}-${client.spanId}-01`);
  });

  it("logs with the trace id and the job's span id while it runs", () => {
    const done = spans.find((span) => span.attributes["signup.job.outcome"] === "done")!;
    for (const msg of ["joining the inviting teams", "EmailVerified handled"]) {
      expect(lines.find((line) => line.msg === msg)).toMatchObject({ traceId: request.traceId, spanId: done.spanId, queue: "onboarding" });
    }
    // The failure line is written after its span ended; it names the trace all the same.
    expect(lines.find((line) => line.msg === "EmailVerified failed")).toMatchObject({ traceId: request.traceId });
  });

  it("counts each attempt by outcome and times it on /metrics", async () => {
    const text = await (await fetch(`http://127.0.0.1:${metrics.port}/metrics`)).text();
    expect(text).toContain('jobs_total{queue="onboarding",outcome="done"} 1');
    expect(text).toContain('jobs_total{queue="onboarding",outcome="dead_letter"} 1');
    expect(text).toMatch(/job_duration_seconds_count\{queue="onboarding"\} 2/);
    expect((await fetch(`http://127.0.0.1:${metrics.port}/healthz`)).status).toBe(200);
  });
});
