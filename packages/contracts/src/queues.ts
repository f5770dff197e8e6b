import type { EventType } from "./events/index.ts";

/** One BullMQ queue per subscriber: each scales and fails on its own. */
export const queueNames = {
  provisioning: "provisioning",
  mail: "mail",
  onboarding: "onboarding",
  sms: "sms",
  /** The lifecycle sweep's scheduled job (reminders, abandonment): not an event queue. */
  lifecycle: "lifecycle",
} as const;

export type QueueName = (typeof queueNames)[keyof typeof queueNames];
export const allQueueNames: readonly QueueName[] = Object.values(queueNames);

/** Which queues each event fans out to. The relay reads this; nothing else decides routing. */
export const routes = {
  // The verification mail is asked for explicitly (EmailVerificationPrepared), not implied by registering.
  UserRegistered: [queueNames.provisioning],
  EmailVerificationPrepared: [queueNames.mail],
  SignUpAttemptExisting: [queueNames.mail],
  VerificationRequested: [queueNames.mail],
  EmailVerified: [queueNames.onboarding],
  InviteAccepted: [queueNames.mail],
  // Onboarding applies it at once for a verified address; the mailer sends the invite with its ticket.
  InviteCreated: [queueNames.onboarding, queueNames.mail],
  PhoneVerificationPrepared: [queueNames.sms],
  SignUpStalled: [queueNames.mail],
  SignUpAbandoned: [queueNames.provisioning],
} as const satisfies Record<EventType, readonly QueueName[]>;

/** Which events a queue carries, derived from the routes so the two cannot disagree. */
export function eventsForQueue(queue: QueueName): EventType[] {
  return (Object.keys(routes) as EventType[]).filter((type) => (routes[type] as readonly QueueName[]).includes(queue));
}

/**
 * Standard job options. Failed jobs are kept: BullMQ's failed set is our dead-letter queue.
 * Exponential backoff with jitter spreads retries of a shared outage (e.g. the IdP) over time.
 */
export const defaultJobOptions = {
  attempts: 8,
  backoff: { type: "exponential", delay: 1_000, jitter: 0.5 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: false,
} as const;
