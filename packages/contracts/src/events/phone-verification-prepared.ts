import { z } from "zod";
import { defineEvent } from "../envelope.ts";

/** A sign-up asked for its phone number to be verified: the SMS worker issues a code and sends it. */
export const PhoneVerificationPrepared = defineEvent("PhoneVerificationPrepared", 1, z.object({ signUpId: z.uuid() }));
