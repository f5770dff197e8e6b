import { z } from "zod";
import { defineEvent } from "../envelope.ts";

/** A sign-up has waited SIGNUP_REMIND_AFTER without completing: its one reminder mail is due. */
export const SignUpStalled = defineEvent("SignUpStalled", 1, z.object({ signUpId: z.uuid() }));
