import { performance } from "node:perf_hooks";
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { DelayedError, UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { eventsForQueue, events, type EventOf, type EventType, type QueueName, type routes } from "@signup/contracts";
import type { Logger } from "@signup/logger";
import { recordJob, spanContextFromTraceparent, withRemoteParent, type JobOutcome } from "@signup/telemetry";
import { PermanentError, RetryLaterError } from "./errors.ts";

const tracer = trace.getTracer("@signup/queue");

/** What a job's payload says about itself before its contract is checked: enough to trace and count it. */
function envelopeOf(job: Job): { id?: string; traceparent?: string } {
  const data = job.data as { id?: unknown; traceparent?: unknown } | null;
  return {
    ...(typeof data?.id === "string" ? { id: data.id } : {}),
    ...(typeof data?.traceparent === "string" ? { traceparent: data.traceparent } : {}),
  };
}

/** How an attempt that threw ends: see JobOutcome. */
function failureOutcome(error: unknown, job: Job): JobOutcome {
  if (error instanceof DelayedError) return "retry";
  if (error instanceof UnrecoverableError) return "dead_letter";
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1) ? "dead_letter" : "failed";
}

/** The events routed to queue Q, computed from the routing table: a missing handler fails to compile. */
export type EventsOf<Q extends QueueName> = {
  [T in EventType]: Q extends (typeof routes)[T][number] ? T : never;
}[EventType];

export type HandlerResult = { outcome: "done" | "skipped"; [key: string]: unknown };
export type JobContext = { job: Job; logger: Logger; attempt: number };

export type Handlers<Q extends QueueName> = {
  [T in EventsOf<Q>]: (event: EventOf<T>, ctx: JobContext) => Promise<HandlerResult>;
};

export type ConsumerOptions<Q extends QueueName> = {
  queue: Q;
  handlers: Handlers<Q>;
  connection: Redis;
  logger: Logger;
  concurrency?: number;
  prefix?: string;
  /** See workerTuning in @signup/config. */
  lockMs?: number;
  stalledIntervalMs?: number;
  /** How often a job may be found stalled (its worker died) before it counts as failed. */
  maxStalledCount?: number;
  /** Called once when a job becomes a dead letter (attempts exhausted or a permanent error). */
  onDeadLetter?: (event: EventOf<EventsOf<Q>>, error: Error) => Promise<void>;
};

export function startConsumer<Q extends QueueName>(options: ConsumerOptions<Q>): Worker {
  const { queue, logger } = options;
  const handlers = options.handlers as Record<string, Handlers<Q>[EventsOf<Q>]>;
  const expected = eventsForQueue(queue);
  const missing = expected.filter((type) => typeof handlers[type] !== "function");
  if (missing.length > 0) throw new Error(`queue ${queue} has no handler for ${missing.join(", ")}`);

  /** One attempt: contract check, handler, and the error taxonomy turned into BullMQ's. */
  const runJob = async (job: Job, token: string | undefined): Promise<HandlerResult> => {
    const type = job.name as EventType;
    const handler = handlers[type];
    if (!handler || !expected.includes(type)) throw new UnrecoverableError(`queue ${queue} does not handle ${job.name}`);
    let event: EventOf<EventsOf<Q>>;
    try {
      event = events[type].parse(job.data) as EventOf<EventsOf<Q>>;
    } catch (error) {
      throw new UnrecoverableError(`invalid ${job.name} payload: ${(error as Error).message}`);
    }
    const jobLogger = logger.child({ queue, jobId: job.id, eventId: event.id, correlationId: event.correlationId });
    try {
      const result = await (handler as (e: typeof event, ctx: JobContext) => Promise<HandlerResult>)(event, {
        job,
        logger: jobLogger,
        attempt: job.attemptsMade + 1,
      });
      jobLogger.info({ outcome: result.outcome }, `${job.name} handled`);
      return result;
    } catch (error) {
      if (error instanceof PermanentError) throw new UnrecoverableError(error.message);
      if (error instanceof RetryLaterError && token) {
        jobLogger.warn({ delayMs: error.delayMs }, `${job.name} rate limited: ${error.message}`);
        await job.moveToDelayed(Date.now() + error.delayMs, token);
        throw new DelayedError();
      }
      throw error;
    }
  };
  const worker = new Worker(
    queue,
    async (job, token) => {
      const started = performance.now();
      const envelope = envelopeOf(job);
      const attempt = job.attemptsMade + 1;
      // The span's parent is the span that published the event (the relay's, under the one that
      // wrote it), so the whole sign-up is one trace however many queues it crosses.
      return withRemoteParent(envelope.traceparent, () =>
        tracer.startActiveSpan(
          `process ${queue}`,
          {
            kind: SpanKind.CONSUMER,
            attributes: {
              "messaging.system": "bullmq",
              "messaging.operation.type": "process",
              "messaging.destination.name": queue,
              "messaging.message.id": String(job.id),
              "signup.event.type": job.name,
              ...(envelope.id !== undefined ? { "signup.event.id": envelope.id } : {}),
              "signup.job.attempt": attempt,
            },
          },
          // Only ids, names and the outcome go on the span, never the event's data.
          async (span) => {
            let outcome: JobOutcome = "failed";
            try {
              const result = await runJob(job, token);
              outcome = result.outcome;
              return result;
            } catch (error) {
              outcome = failureOutcome(error, job);
              // The error's class only: messages may quote an IdP's answer, which may name the user.
              if (outcome !== "retry") span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).name });
              throw error;
            } finally {
              span.setAttribute("signup.job.outcome", outcome);
              span.end();
              recordJob(queue, outcome, (performance.now() - started) / 1_000);
            }
          },
        ),
      );
    },
    {
      connection: options.connection,
      concurrency: options.concurrency ?? 5,
      prefix: options.prefix,
      // BullMQ refuses an explicit undefined here, so only what was set is passed.
      ...(options.lockMs !== undefined ? { lockDuration: options.lockMs } : {}),
      ...(options.stalledIntervalMs !== undefined ? { stalledInterval: options.stalledIntervalMs } : {}),
      ...(options.maxStalledCount !== undefined ? { maxStalledCount: options.maxStalledCount } : {}),
      // After Redis comes back, BullMQ's main loop waits runRetryDelay (15 s by default) before it
      // takes jobs again: 1 s is enough not to spin, and the backlog of an outage drains at once.
      runRetryDelay: 1_000,
    },
  );

  worker.on("failed", (job, error) => {
    if (!job) return;
    const final = error instanceof UnrecoverableError || error.name === "UnrecoverableError" || job.attemptsMade >= (job.opts.attempts ?? 1);
    // Written after the job's span has ended, so the trace id is named here rather than by the mixin.
    const traceId = spanContextFromTraceparent(envelopeOf(job).traceparent)?.traceId;
    logger.warn({ queue, jobId: job.id, attemptsMade: job.attemptsMade, final, err: error, ...(traceId ? { traceId } : {}) }, `${job.name} failed`);
    if (!final || !options.onDeadLetter) return;
    let event: EventOf<EventsOf<Q>>;
    try {
      event = events[job.name as EventType].parse(job.data) as EventOf<EventsOf<Q>>;
    } catch {
      return; // a payload no contract accepts has no user to mark; the dead letter itself is kept
    }
    options.onDeadLetter(event, error).catch((e: unknown) => logger.error({ err: e }, "onDeadLetter failed"));
  });
  worker.on("stalled", (jobId) => logger.warn({ queue, jobId }, "job stalled (its worker died or hung); running it again"));
  worker.on("error", (error) => logger.error({ queue, err: error }, "worker error"));
  return worker;
}
