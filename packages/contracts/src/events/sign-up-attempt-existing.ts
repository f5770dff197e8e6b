import { z } from "zod";
import { defineEvent } from "../envelope.ts";

/** Someone tried to sign up with an address that already has an account; the owner is told. */
export const SignUpAttemptExisting = defineEvent("SignUpAttemptExisting", 1, z.object({ userId: z.uuid() }));
