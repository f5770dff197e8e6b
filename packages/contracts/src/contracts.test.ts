import { randomUUID } from "node:crypto";
import { ROOT_CONTEXT, context, trace, type ContextManager } from "@opentelemetry/api";
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

  it("still parses a frozen payload that carries a traceparent", () => {
    const frozen = {
      id: "6a0c7d52-1f0e-4c57-9d0b-2a4f3e6b8c19",
      type: "EmailVerified",
      version: 1,
      occurredAt: "2026-12-01T10:00:00.000Z",
      correlationId: "c0ffee",
      traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      data: { userId: "0b6f1e8e-7c55-4f0e-8d2b-7d1b1e0f9a22" },
    };
    expect(parseEvent(frozen).traceparent).toBe(frozen.traceparent);
  });

  it("refuses a traceparent that is not W3C version 00", () => {
    const event = UserRegistered.create({ userId: randomUUID() }, { correlationId: "c" });
    for (const traceparent of [
      "",
      "not-a-traceparent",
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", // upper case
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // invalid trace id
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // invalid span id
      "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
    ]) {
      expect(() => parseEvent({ ...event, traceparent }), traceparent).toThrow();
    }
    expect(() => UserRegistered.create({ userId: randomUUID() }, { correlationId: "c", traceparent: "nope" })).toThrow();
  });

  it("takes the traceparent from the active span when the producer passes none, and leaves it out otherwise", () => {
    expect("traceparent" in UserRegistered.create({ userId: randomUUID() }, { correlationId: "c" })).toBe(false);
    const spanContext = { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7", traceFlags: 1 };
    // The smallest context manager that makes a context active, so no SDK is needed here.
    let active = ROOT_CONTEXT;
    const manager: ContextManager = {
      active: () => active,
      with: (ctx, fn, thisArg, ...args) => {
        const previous = active;
        active = ctx;
        try {
          return fn.call(thisArg, ...args);
        } finally {
          active = previous;
        }
      },
      bind: (_ctx, target) => target,
      enable() {
        return this;
      },
      disable() {
        return this;
      },
    };
    context.setGlobalContextManager(manager);
    try {
      const inSpan = context.with(trace.setSpanContext(ROOT_CONTEXT, spanContext), () =>
        UserRegistered.create({ userId: randomUUID() }, { correlationId: "c" }),
      );
      expect(inSpan.traceparent).toBe("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
      const explicit = "00-11111111111111111111111111111111-2222222222222222-00";
      const given = context.with(trace.setSpanContext(ROOT_CONTEXT, spanContext), () =>
        UserRegistered.create({ userId: randomUUID() }, { correlationId: "c", traceparent: explicit }),
      );
      expect(given.traceparent).toBe(explicit);
    } finally {
      context.disable();
    }
  });

  it("routes every event to at least one queue, and each queue's events come from the routes", () => {
    for (const queues of Object.values(routes)) expect(queues.length).toBeGreaterThan(0);
    expect(eventsForQueue(queueNames.sms)).toEqual(["PhoneVerificationPrepared"]);
    expect(eventsForQueue(queueNames.provisioning).sort()).toEqual(["SignUpAbandoned", "UserRegistered"]);
    expect(eventsForQueue(queueNames.lifecycle)).toEqual([]);
    expect(eventsForQueue(queueNames.onboarding)).toEqual(["EmailVerified", "InviteCreated"]);
    expect(eventsForQueue(queueNames.mail).sort()).toEqual([
      "EmailVerificationPrepared",
      "InviteAccepted",
      "InviteCreated",
      "SignUpAttemptExisting",
      "SignUpStalled",
      "VerificationRequested",
    ]);
  });
});
