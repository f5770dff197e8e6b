import { z } from "zod";
import { defineEvent } from "../envelope.ts";

/** A new account was recorded (status pending). Fans out to provisioning and the verification mail. */
export const UserRegistered = defineEvent("UserRegistered", 1, z.object({ userId: z.uuid() }));
