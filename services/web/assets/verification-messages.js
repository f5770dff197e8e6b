// The same words as the server's src/verification-messages.ts (pages without JavaScript).
const messages = {
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

export const messageFor = (error, channel = "email") => messages[channel][error?.code] ?? "Something went wrong; try again.";
