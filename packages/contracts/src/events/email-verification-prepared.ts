import { z } from "zod";
import { defineEvent } from "../envelope.ts";

/**
 * A sign-up asked for its address to be verified (by link or code): the mailer issues a token and
 * sends the mail. Ids only: the raw token and code exist in the mail alone.
 */
export const EmailVerificationPrepared = defineEvent(
  "EmailVerificationPrepared",
  1,
  z.object({ signUpId: z.uuid(), strategy: z.enum(["email_link", "email_code"]) }),
);
