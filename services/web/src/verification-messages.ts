import type { SignUpError } from "@signup/client";

export type Channel = "email" | "phone";

/** What a person reads when a code or a resend does not work, by the API's error code and where the code came from. */
const messages: Record<Channel, Record<string, string>> = {
  email: {
    verification_failed: "That code is not right. Check the mail and try again.",
    verification_expired: "That code has expired. Ask for a new mail below.",
    too_many_attempts: "Too many wrong codes. Ask for a new mail below, then use its code.",
    validation_failed: "Enter the 6 digits from the mail.",
    rate_limited: "Too many tries in a short time. Wait a minute, then try again.",
  },
  phone: {
    verification_failed: "That code is not right. Check the SMS and try again.",
    verification_expired: "That code has expired. Ask for a new code below.",
    too_many_attempts: "Too many wrong codes. Ask for a new code below, then use that one.",
    validation_failed: "Enter the 6 digits from the SMS.",
    rate_limited: "Too many tries in a short time. Wait a minute, then try again.",
  },
};

export function verificationMessage(error: SignUpError, channel: Channel = "email"): string {
  return messages[channel][error.code] ?? "Something went wrong; try again.";
}
