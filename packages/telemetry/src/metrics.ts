import { Counter, Gauge, Histogram, Registry } from "prom-client";

/**
 * The worker-side Prometheus metrics, named as infra/grafana/signup-pipeline.json reads them
 * (`jobs_total{queue,outcome}`, `job_duration_seconds_bucket{queue}`). The API keeps its own
 * registry (HTTP traffic, outbox backlog, queue depth) in services/api/src/metrics.ts.
 */
export const metricsRegistry = new Registry();

/**
 * How one attempt at a job ended: `done` / `skipped` (the handler's result), `retry` (the other
 * side asked us to come back later; no attempt used), `failed` (an error; BullMQ retries it with
 * backoff) or `dead_letter` (a permanent error, a payload no contract accepts, or the last attempt).
 */
export type JobOutcome = "done" | "skipped" | "retry" | "failed" | "dead_letter";

const jobsTotal = new Counter({
  name: "jobs_total",
  help: "Job attempts by queue and outcome (done, skipped, retry, failed, dead_letter)",
  labelNames: ["queue", "outcome"],
  registers: [metricsRegistry],
});

const jobDuration = new Histogram({
  name: "job_duration_seconds",
  help: "Time a job attempt took in its handler, whatever its outcome",
  labelNames: ["queue"],
  // IdP and SMTP round trips: milliseconds when healthy, up to the 10 s request timeouts when not.
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [metricsRegistry],
});

export function recordJob(queue: string, outcome: JobOutcome, seconds: number): void {
  jobsTotal.inc({ queue, outcome });
  jobDuration.observe({ queue }, seconds);
}

const relayPublished = new Counter({
  name: "relay_published_events_total",
  help: "Outbox events the relay handed to BullMQ (at least once: a crash before commit publishes again)",
  registers: [metricsRegistry],
});

export function countPublishedEvents(count: number): void {
  if (count > 0) relayPublished.inc(count);
}

/**
 * `outbox_lag_seconds`: how long the oldest unpublished event has waited, read at scrape time
 * by `read` (0 when the outbox is drained). Only the relay registers it.
 */
export function trackOutboxLag(read: () => Promise<number>): void {
  if (metricsRegistry.getSingleMetric("outbox_lag_seconds")) return;
  new Gauge({
    name: "outbox_lag_seconds",
    help: "Age of the oldest outbox event not yet published (0 when none waits)",
    registers: [metricsRegistry],
    async collect() {
      try {
        this.set(await read());
      } catch {
        // Database down: keep the last value rather than fail the whole scrape.
      }
    },
  });
}
