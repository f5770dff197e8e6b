import { SpanKind, SpanStatusCode, context, trace, type Link, type Span } from "@opentelemetry/api";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { defaultJobOptions, routes, type AnyEvent, type QueueName } from "@signup/contracts";
import { spanContextFromTraceparent, traceparentOf } from "@signup/telemetry";

const tracer = trace.getTracer("@signup/queue");

/**
 * A PRODUCER span per event that carries a traceparent, as the child of the span that wrote the
 * event (an API request, a worker's job), linked to the span publishing the batch (the relay's).
 * The job carries this span's traceparent instead, so each consumer's span hangs under the hop
 * that put its job in Redis. Events without a traceparent (written with tracing off) go as they are.
 */
function startPublishSpans(events: AnyEvent[]): { jobs: AnyEvent[]; spans: Span[] } {
  const batch = trace.getActiveSpan()?.spanContext();
  const links: Link[] = batch && trace.isSpanContextValid(batch) ? [{ context: batch }] : [];
  const spans: Span[] = [];
  const jobs = events.map((event) => {
    const writer = spanContextFromTraceparent(event.traceparent);
    if (!writer) return event;
    const span = tracer.startSpan(
      `publish ${event.type}`,
      {
        kind: SpanKind.PRODUCER,
        links,
        attributes: {
          "messaging.system": "bullmq",
          "messaging.operation.type": "send",
          "messaging.destination.name": [...routes[event.type]],
          "messaging.message.id": event.id,
          "signup.event.type": event.type,
          "signup.event.id": event.id,
        },
      },
      trace.setSpanContext(context.active(), writer),
    );
    spans.push(span);
    return { ...event, traceparent: traceparentOf(span.spanContext()) ?? event.traceparent };
  });
  return { jobs, spans };
}

export type Publisher = {
  /** Adds each event to every queue its type routes to; jobId = event id makes a re-publish a no-op. */
  publish(events: AnyEvent[]): Promise<void>;
  close(): Promise<void>;
};

/**
 * A Queue waits for its connection without limit; the relay must instead give up, roll back and
 * leave the events in the outbox, so every publish is bounded by timeoutMs.
 */
export type PublisherOptions = { prefix?: string; timeoutMs?: number; attempts?: number; backoffMs?: number };

export function createPublisher(connection: Redis, options: PublisherOptions = {}): Publisher {
  const { prefix, timeoutMs = 5_000 } = options;
  const jobOptions = {
    ...defaultJobOptions,
    attempts: options.attempts ?? defaultJobOptions.attempts,
    backoff: { ...defaultJobOptions.backoff, delay: options.backoffMs ?? defaultJobOptions.backoff.delay },
  };
  const queues = new Map<QueueName, Queue>();
  const queueFor = (name: QueueName) => {
    let queue = queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection, prefix, defaultJobOptions: jobOptions });
      queues.set(name, queue);
    }
    return queue;
  };
  return {
    async publish(events) {
      const { jobs, spans } = startPublishSpans(events);
      const byQueue = new Map<QueueName, AnyEvent[]>();
      for (const event of jobs) {
        for (const name of routes[event.type]) byQueue.set(name, [...(byQueue.get(name) ?? []), event]);
      }
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`publishing to Redis took over ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([
          timeout,
          Promise.all(
            [...byQueue].map(([name, batch]) => queueFor(name).addBulk(batch.map((event) => ({ name: event.type, data: event, opts: { jobId: event.id } })))),
          ),
        ]);
      } catch (error) {
        for (const span of spans) span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).name });
        throw error;
      } finally {
        clearTimeout(timer);
        for (const span of spans) span.end();
      }
    },
    async close() {
      await Promise.all([...queues.values()].map((queue) => queue.close()));
    },
  };
}
