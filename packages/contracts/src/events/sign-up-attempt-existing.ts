import { z } from "zod";
import { defineEvent } from "../envelope.ts";

/**
 * Someone tried to sign up with an address that already has an account; the owner is told (or, if
 * the account is still pending, gets a fresh verification mail tied to that sign-up). `signUpId`
 * was added later, so it is optional: payloads written before it still parse.
 */
export const SignUpAttemptExisting = defineEvent("SignUpAttemptExisting", 1, z.object({ userId: z.uuid(), signUpId: z.uuid().optional() }));
