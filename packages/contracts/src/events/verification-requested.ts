import { z } from "zod";
import { defineEvent } from "../envelope.ts";

/** A pending user asked for a fresh verification mail. */
export const VerificationRequested = defineEvent("VerificationRequested", 1, z.object({ userId: z.uuid() }));
