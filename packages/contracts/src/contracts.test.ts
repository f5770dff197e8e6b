import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { EmailVerified, UserRegistered, eventsForQueue, parseEvent, queueNames, routes } from "./index.ts";

describe("event contracts", () => {
  it("builds an envelope the consumer side accepts", () => {
    const userId = randomUUID();
    const event = UserRegistered.create({ userId }, { correlationId: "req-1" });
    expect(event).toMatchObject({ type: "UserRegistered", version: 1, correlationId: "req-1", data: { userId } });
    expect(parseEvent(JSON.parse(JSON.stringify(event)))).toEqual(event);
  });

  it("refuses payloads that break the contract at either end", () => {
    expect(() => UserRegistered.create({ userId: "not-a-uuid" }, { correlationId: "c" })).toThrow();
    const event = EmailVerified.create({ userId: randomUUID() }, { correlationId: "c" });
    expect(() => UserRegistered.parse(event)).toThrow();
    expect(() => parseEvent({ ...event, type: "Nope" })).toThrow(/unknown event type/);
    expect(() => parseEvent({ ...event, data: {} })).toThrow();
  });

  it("still parses a frozen v1 payload as stored in an outbox today", () => {
    const frozen = {
      id: "3f1c1f3e-4b8a-4d6e-9a43-0c9f5e7b2a11",
      type: "UserRegistered",
      version: 1,
      occurredAt: "2026-11-23T00:00:00.000Z",
      correlationId: "c0ffee",
      data: { userId: "0b6f1e8e-7c55-4f0e-8d2b-7d1b1e0f9a22" },
    };
    expect(parseEvent(frozen).type).toBe("UserRegistered");
  });

  it("routes every event to at least one queue, and each queue's events come from the routes", () => {
    for (const queues of Object.values(routes)) expect(queues.length).toBeGreaterThan(0);
    expect(eventsForQueue(queueNames.sms)).toEqual(["PhoneVerificationPrepared"]);
    expect(eventsForQueue(queueNames.provisioning).sort()).toEqual(["SignUpAbandoned", "UserRegistered"]);
    expect(eventsForQueue(queueNames.lifecycle)).toEqual([]);
    expect(eventsForQueue(queueNames.onboarding)).toEqual(["EmailVerified", "InviteCreated"]);
    expect(eventsForQueue(queueNames.mail).sort()).toEqual(["EmailVerificationPrepared", "InviteAccepted", "InviteCreated", "SignUpAttemptExisting", "SignUpStalled", "VerificationRequested"]);
  });
});
