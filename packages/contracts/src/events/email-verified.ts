import { z } from "zod";
import { defineEvent } from "../envelope.ts";

/** The user proved the address; onboarding adds them to every team that invited it. */
export const EmailVerified = defineEvent("EmailVerified", 1, z.object({ userId: z.uuid() }));
