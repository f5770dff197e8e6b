import { EmailVerificationPrepared } from "./email-verification-prepared.ts";
import { EmailVerified } from "./email-verified.ts";
import { InviteAccepted } from "./invite-accepted.ts";
import { InviteCreated } from "./invite-created.ts";
import { PhoneVerificationPrepared } from "./phone-verification-prepared.ts";
import { SignUpAbandoned } from "./sign-up-abandoned.ts";
import { SignUpAttemptExisting } from "./sign-up-attempt-existing.ts";
import { SignUpStalled } from "./sign-up-stalled.ts";
import { UserRegistered } from "./user-registered.ts";
import { VerificationRequested } from "./verification-requested.ts";

export {
  EmailVerificationPrepared,
  EmailVerified,
  InviteAccepted,
  InviteCreated,
  PhoneVerificationPrepared,
  SignUpAbandoned,
  SignUpAttemptExisting,
  SignUpStalled,
  UserRegistered,
  VerificationRequested,
};

export const events = {
  UserRegistered,
  SignUpAttemptExisting,
  VerificationRequested,
  EmailVerificationPrepared,
  EmailVerified,
  InviteAccepted,
  InviteCreated,
  PhoneVerificationPrepared,
  SignUpStalled,
  SignUpAbandoned,
} as const;

export type EventType = keyof typeof events;
export type EventOf<T extends EventType> = ReturnType<(typeof events)[T]["parse"]>;
export type AnyEvent = { [T in EventType]: EventOf<T> }[EventType];

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(events, type);
}

/** Validates any envelope against the contract its `type` names. */
export function parseEvent(value: unknown): AnyEvent {
  const type = (value as { type?: unknown } | null)?.type;
  if (typeof type !== "string" || !isEventType(type)) {
    throw new Error(`unknown event type: ${String(type)}`);
  }
  return events[type].parse(value);
}
