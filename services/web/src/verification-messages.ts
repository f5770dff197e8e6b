import type { SignUpError } from "@signup/client";

/** What a person reads when a code or a resend does not work, by the API's error code. */
const messages: Record<string, string> = {
  verification_failed: "That code is not right. Check the mail and try again.",
  verification_expired: "That code has expired. Ask for a new mail below.",
  too_many_attempts: "Too many wrong codes. Ask for a new mail below, then use its code.",
  validation_failed: "Enter the 6 digits from the mail.",
  rate_limited: "Too many tries in a short time. Wait a minute, then try again.",
};

export function verificationMessage(error: SignUpError): string {
  return messages[error.code] ?? "Something went wrong; try again.";
}
